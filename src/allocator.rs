//! One setting of the system allocator, made before any work starts.

/// Makes glibc give large blocks (256 KiB and more) back to the system as soon as they are
/// freed.
///
/// By default glibc raises its mmap threshold each time such a block is freed, up to 32 MiB;
/// from then on blocks of that size come from its arenas, one per thread, and stay there
/// when freed. Reading a folder frees the files' texts and parsed rows, and the metrics free
/// their columns and group tables, in rayon's and polars' threads: on the reference set of
/// issue 7 that kept about 50 MiB of freed memory resident (peak 224 MiB instead of 176 MiB
/// for 101 MiB of input) for no gain in a report's wall time. A fixed threshold turns the
/// dynamic raise off. The price is fresh pages for each large block: a process that reads the
/// same folder again and again (the criterion bench) takes 40–50 ms longer per cached read.
/// Elsewhere (musl, macOS, Windows) this does nothing.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const THRESHOLD: libc::c_int = 256 * 1024;
        // SAFETY: `mallopt` sets an allocator parameter; it takes the allocator's own lock and
        // is safe to call at any time. A refusal (0) leaves the default, which is harmless.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        }
    }
}
