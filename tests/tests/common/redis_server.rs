//! A throwaway `redis-server` on an ephemeral 127.0.0.1 port, for the fleet tests.
//!
//! Never the shared 6379: each test starts its own server and stops it on drop. A machine
//! without `redis-server` fails the test with how to install it, never skips it.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

/// The `redis-server` binary, or a panic that says how to install it.
fn binary() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).chain(["/usr/bin", "/usr/sbin", "/usr/local/bin"].map(PathBuf::from));
    for dir in dirs {
        let candidate = dir.join("redis-server");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "redis-server not found on PATH: the fleet tests run a real Redis. Install the Debian package \
         `redis-server` (apt-get update && apt-get install -y redis-server); .ci/run does this by itself"
    );
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("an ephemeral port").port()
}

impl RedisServer {
    /// A new server on a free port, answering `PING`.
    pub fn start() -> RedisServer {
        for _ in 0..5 {
            let mut server = RedisServer { port: free_port(), child: None };
            if server.launch() {
                return server;
            }
        }
        panic!("redis-server did not start on any of 5 ephemeral ports");
    }

    /// A server on `port` (one that was free, and that a client may already aim at).
    pub fn start_on(port: u16) -> RedisServer {
        let mut server = RedisServer { port, child: None };
        assert!(server.launch(), "redis-server did not start on port {port}");
        server
    }

    fn launch(&mut self) -> bool {
        let child = Command::new(binary())
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--loglevel", "warning", "--dir"])
            .arg(std::env::temp_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server runs");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.command("PING").is_some_and(|reply| reply.starts_with("+PONG")) {
                return true;
            }
            if self.child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_some()) {
                self.child = None;
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stop();
        false
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Sends one inline command and returns the first reply chunk.
    pub fn command(&self, command: &str) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        stream.write_all(format!("{command}\r\n").as_bytes()).ok()?;
        let mut buf = [0u8; 512];
        let n = stream.read(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf[..n]).into_owned())
    }

    /// Deletes every key.
    pub fn flush(&self) {
        assert!(self.command("FLUSHALL").is_some_and(|r| r.starts_with("+OK")), "FLUSHALL");
    }

    /// Kills the server (its data is gone: nothing is persisted).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills the server and starts an empty one on the same port.
    pub fn restart(&mut self) {
        self.stop();
        assert!(self.launch(), "redis-server restarts on port {}", self.port);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
