//! logind's sleep inhibitor, for the end-to-end tests (a container runs no logind): it owns
//! `org.freedesktop.login1` on the bus at `DBUS_SYSTEM_BUS_ADDRESS` (the tests point it at a
//! private bus) and answers `Inhibit(what, who, why, mode)` as logind documents: with a file
//! descriptor, the lock living until every copy of it is closed.
//!
//! Driven over stdin, one command a line, one answer a line on stdout: `locks` → the locks
//! still held, as JSON `[{"what":"idle","who":"q2google","why":"…","mode":"block"}, …]`.
//! It prints `ready` once it owns the name. Errors are answered `error: …`.

use std::io::{BufRead, ErrorKind, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use zbus::interface;

/// One `Inhibit` call and this service's end of the lock it handed out.
struct Lock {
    what: String,
    who: String,
    why: String,
    mode: String,
    end: UnixStream,
}

impl Lock {
    /// Whether the caller still holds its copy of the descriptor.
    fn held(&self) -> bool {
        let mut byte = [0u8; 1];
        match (&self.end).read(&mut byte) {
            Ok(0) => false,
            Err(e) if e.kind() == ErrorKind::WouldBlock => true,
            _ => false,
        }
    }
}

#[derive(Clone, Default)]
struct Login1 {
    locks: Arc<Mutex<Vec<Lock>>>,
}

#[interface(name = "org.freedesktop.login1.Manager")]
impl Login1 {
    fn inhibit(
        &self,
        what: String,
        who: String,
        why: String,
        mode: String,
    ) -> zbus::fdo::Result<zbus::zvariant::OwnedFd> {
        let (end, handed) =
            UnixStream::pair().map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        end.set_nonblocking(true)
            .map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        self.locks.lock().expect("locks").push(Lock {
            what,
            who,
            why,
            mode,
            end,
        });
        Ok(std::os::fd::OwnedFd::from(handed).into())
    }
}

fn main() -> Result<()> {
    let address = std::env::var("DBUS_SYSTEM_BUS_ADDRESS")
        .context("DBUS_SYSTEM_BUS_ADDRESS names the bus to serve on")?;
    let login1 = Login1::default();
    let _service = zbus::blocking::connection::Builder::address(address.as_str())?
        .name("org.freedesktop.login1")?
        .serve_at("/org/freedesktop/login1", login1.clone())?
        .build()
        .context("cannot own org.freedesktop.login1")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let answer = match line.trim() {
            "locks" => {
                let mut locks = login1.locks.lock().expect("locks");
                locks.retain(Lock::held);
                let held: Vec<_> = locks
                    .iter()
                    .map(|l| serde_json::json!({"what": l.what, "who": l.who, "why": l.why, "mode": l.mode}))
                    .collect();
                serde_json::to_string(&held)?
            }
            other => format!("error: unknown command {other:?}"),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}
