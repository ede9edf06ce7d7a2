//! Time the flake.lock reader alone: `cargo run --release --example
//! parse_lock -- path/to/flake.lock [iterations]`. `bench/run.sh` runs it on
//! a generated 70-node lock.

use std::time::Instant;

use repro_audit::source::flake_lock::FlakeLock;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: parse_lock FLAKE.LOCK [ITERATIONS]");
    let iterations: u32 = args.next().map_or(1000, |n| n.parse().expect("a number"));
    let text = std::fs::read_to_string(&path).expect("a readable file");
    let nodes = FlakeLock::parse(text.clone())
        .expect("a valid lock")
        .nodes
        .len();
    let start = Instant::now();
    for _ in 0..iterations {
        let lock = FlakeLock::parse(text.clone()).expect("a valid lock");
        std::hint::black_box(lock);
    }
    let each = start.elapsed() / iterations;
    println!(
        "flake.lock with {nodes} nodes ({} bytes): {:.3} ms per parse (mean of {iterations})",
        text.len(),
        each.as_secs_f64() * 1000.0
    );
}
