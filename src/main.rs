use std::process::ExitCode;

fn main() -> ExitCode {
    repro_audit::cli::main()
}
