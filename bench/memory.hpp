// Peak RSS of this process around one measured run: VmRSS / VmHWM, and the clear_refs reset.
#pragma once

namespace bench {

long rss_kb();  // VmRSS of this process, -1 if unreadable
long hwm_kb();  // VmHWM: the peak RSS since start or since the last reset_hwm()
// Writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
bool reset_hwm();
// Whether reset_hwm() really lowers VmHWM here: touches 64 MB, frees it, resets and compares.
bool clear_refs_works();

}  // namespace bench
