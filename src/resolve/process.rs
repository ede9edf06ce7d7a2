//! A program run with a deadline: credential helpers and `nix flake lock`
//! must not hang a run, flood its memory, or outlive it.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// What a program said and how it ended.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Run `command` with `input` on its standard input; killed, with what it
/// started, and an error, when it runs longer than `timeout` or prints more
/// than `limit` bytes on either output.
///
/// It runs in a process group of its own, so that on timeout the whole
/// group is killed: a helper that is a shell script leaves no `sleep` (or
/// worse) behind holding its pipes open.
pub fn run(
    command: &mut Command,
    input: &[u8],
    timeout: Duration,
    limit: u64,
) -> Result<Output, String> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        // A program that exits without reading is answered by its status;
        // the input (a server's name) fits in a pipe's buffer, so this
        // does not wait on a program that never reads.
        let _ = stdin.write_all(input);
    }
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as Box<_>), limit);
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as Box<_>), limit);
    let deadline = crate::resolve::net::deadline_after(timeout);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                kill_group(&mut child);
                return Err(format!("still running after {} s", timeout.as_secs()));
            }
            Err(e) => {
                kill_group(&mut child);
                return Err(e.to_string());
            }
        }
    };
    // The program has ended, but what it started may hold its output open:
    // waited for no longer than the deadline, then killed with its group.
    let collect = |receiver: &Receiver<Vec<u8>>| {
        receiver.recv_timeout(deadline.saturating_duration_since(Instant::now()))
    };
    let (Ok(stdout), Ok(stderr)) = (collect(&stdout), collect(&stderr)) else {
        kill_group(&mut child);
        return Err(format!(
            "its output still open after {} s",
            timeout.as_secs()
        ));
    };
    if stdout.len() as u64 > limit || stderr.len() as u64 > limit {
        return Err(format!(
            "it printed more than {}",
            crate::input::too_large(limit).trim_start_matches("larger than ")
        ));
    }
    Ok(Output {
        status,
        stdout,
        stderr,
    })
}

/// Read `pipe` on a thread of its own, at most `limit` bytes and one more
/// (to tell that there was more): then the pipe is closed, and a program
/// still writing gets `SIGPIPE` rather than filling memory.
fn reader(pipe: Option<Box<dyn Read + Send>>, limit: u64) -> Receiver<Vec<u8>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = pipe {
            let _ = pipe.take(limit.saturating_add(1)).read_to_end(&mut bytes);
        }
        let _ = sender.send(bytes);
    });
    receiver
}

/// Kill `child` and every process in its group, then reap `child`.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        // The group's id is the child's own (`process_group(0)`). The
        // child has not been reaped yet, so its id (and so the group's)
        // cannot have been reused by another process.
        if let Ok(group) = libc::pid_t::try_from(child.id()) {
            // SAFETY: killpg only sends a signal; a group that is already
            // gone is an error it returns (ESRCH), nothing more.
            unsafe {
                libc::killpg(group, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Whether process `pid` is gone: no such process, or a zombie only
    /// waiting for its new parent (init) to reap it.
    fn gone(pid: libc::pid_t) -> bool {
        // SAFETY: signal 0 only checks that the process exists.
        if unsafe { libc::kill(pid, 0) } != 0 {
            return true;
        }
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| {
                stat.rsplit_once(") ")
                    .is_some_and(|(_, rest)| rest.starts_with('Z'))
            })
            .unwrap_or(true)
    }

    #[test]
    fn a_program_past_its_deadline_is_killed_with_what_it_started() {
        let dir = std::env::temp_dir().join(format!("repro-audit-group-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("child.pid");
        let script = format!("sleep 300 & echo $! > '{}'; sleep 300", pid_file.display());
        let started = Instant::now();
        let error = run(
            Command::new("sh").args(["-c", &script]),
            b"",
            Duration::from_secs(1),
            1024,
        )
        .err()
        .unwrap();
        assert!(error.contains("still running after 1 s"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(60));
        let pid: libc::pid_t = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !gone(pid) {
            assert!(
                Instant::now() < deadline,
                "the helper's child {pid} outlived it"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn output_is_bounded() {
        let error = run(
            Command::new("sh").args(["-c", "exec cat /dev/zero"]),
            b"",
            Duration::from_secs(30),
            4096,
        )
        .err()
        .unwrap();
        assert!(error.contains("printed more than"), "{error}");
        let output = run(
            Command::new("sh").args(["-c", "read line; echo \"got $line\""]),
            b"server\n",
            Duration::from_secs(30),
            4096,
        )
        .ok()
        .unwrap();
        assert_eq!(output.stdout, b"got server\n");
    }
}
