//! The process's peak resident memory, for the tests that run in a process
//! of their own to read what one call grew it by.

/// `VmHWM` of `/proc/self/status`, in KiB (Linux).
pub fn peak_resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}
