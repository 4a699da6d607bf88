// SLUICE_API: symbols the shared library exports (everything else is hidden).
#pragma once

// The library is built with -fvisibility=hidden; only what is marked here is exported.
// Exception types must be visible on both sides so catch clauses match across the boundary.
#define SLUICE_API __attribute__((visibility("default")))
