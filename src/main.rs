//! The `coo-dashboard` binary: the desktop app with no arguments, or a headless command.

fn main() -> std::process::ExitCode {
    coo_dashboard::cli::main()
}
