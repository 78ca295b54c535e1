//! A desktop's tray host, for the end-to-end tests (Xvfb runs none): it owns
//! `org.kde.StatusNotifierWatcher` on the session bus, takes the registration of a tray icon (an
//! AppIndicator / StatusNotifierItem, as Tauri's tray makes on Linux), and reads and clicks the
//! icon's menu over `com.canonical.dbusmenu`, as a panel does.
//!
//! Driven over stdin, one command a line; it answers one line each on stdout:
//! - `menu` → the menu as JSON, `[{"id":3,"label":"Show q2google","enabled":true}, …]`
//!   (separators left out), or `none` while no icon has registered;
//! - `click ID` → `ok` once the `clicked` event is sent.
//!
//! It prints `ready` once it owns the watcher's name. Errors are answered `error: …`.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context, Result};
use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// The icons registered: (bus name, object path).
#[derive(Clone, Default)]
struct Watcher {
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    /// `service` is a bus name (item at /StatusNotifierItem) or, as AppIndicator sends it, the
    /// item's object path on the caller's connection.
    fn register_status_notifier_item(
        &self,
        service: String,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let item = if service.starts_with('/') {
            (sender, service)
        } else {
            (service, "/StatusNotifierItem".to_string())
        };
        let mut items = self.items.lock().expect("items lock");
        if !items.contains(&item) {
            items.push(item);
        }
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().expect("items lock");
        items
            .iter()
            .map(|(name, path)| format!("{name}{path}"))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// A dbusmenu layout node: `(ia{sv}av)`, id, properties, children.
type Node = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// One menu entry.
struct Entry {
    id: i32,
    label: String,
    enabled: bool,
}

fn main() -> Result<()> {
    let watcher = Watcher::default();
    let conn = zbus::blocking::connection::Builder::session()?
        .name("org.kde.StatusNotifierWatcher")?
        .serve_at("/StatusNotifierWatcher", watcher.clone())?
        .build()
        .context("cannot own org.kde.StatusNotifierWatcher on the session bus")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let answer = match command(&conn, &watcher, line.trim()) {
            Ok(a) => a,
            Err(e) => format!("error: {e:#}"),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}

fn command(conn: &Connection, watcher: &Watcher, line: &str) -> Result<String> {
    let item = watcher.items.lock().expect("items lock").last().cloned();
    let (name, path) = match item {
        Some(item) => item,
        None => return Ok("none".into()),
    };
    let menu = menu_proxy(conn, &name, &path)?;
    match line.split_once(' ').unwrap_or((line, "")) {
        ("menu", _) => {
            let (_revision, (_id, _props, children)): (u32, Node) =
                menu.call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))?;
            let mut entries = Vec::new();
            for child in children {
                walk(&child, &mut entries)?;
            }
            let json: Vec<_> = entries
                .into_iter()
                .map(|e| serde_json::json!({"id": e.id, "label": e.label, "enabled": e.enabled}))
                .collect();
            Ok(serde_json::to_string(&json)?)
        }
        ("click", id) => {
            let id: i32 = id.trim().parse().context("click takes a menu entry's id")?;
            let _: () = menu.call("Event", &(id, "clicked", Value::I32(0), 0u32))?;
            Ok("ok".into())
        }
        (other, _) => Err(anyhow!("unknown command {other:?}")),
    }
}

/// The dbusmenu object of the icon at `name` `path` (its `Menu` property).
fn menu_proxy<'a>(conn: &'a Connection, name: &str, path: &str) -> Result<Proxy<'a>> {
    let item = Proxy::new(
        conn,
        name.to_string(),
        path.to_string(),
        "org.kde.StatusNotifierItem",
    )?;
    let menu: OwnedObjectPath = item.get_property("Menu").context("the icon's Menu")?;
    Ok(Proxy::new(
        conn,
        name.to_string(),
        menu,
        "com.canonical.dbusmenu",
    )?)
}

/// A layout node `(ia{sv}av)` and its children, separators and hidden entries left out.
fn walk(node: &Value<'_>, out: &mut Vec<Entry>) -> Result<()> {
    let node = match node {
        Value::Value(inner) => inner,
        other => other,
    };
    let (id, props, children): Node = node.try_clone()?.try_into()?;
    let text = |key: &str| {
        props
            .get(key)
            .and_then(|v| <&str>::try_from(v).ok().map(str::to_string))
    };
    let flag = |key: &str| props.get(key).and_then(|v| bool::try_from(v).ok());
    let separator = text("type").as_deref() == Some("separator");
    if !separator && flag("visible") != Some(false) {
        out.push(Entry {
            id,
            // GTK mnemonics: "_" marks an access key, "__" is a literal underscore.
            label: text("label")
                .unwrap_or_default()
                .replace("__", "\u{0}")
                .replace('_', "")
                .replace('\u{0}', "_"),
            enabled: flag("enabled").unwrap_or(true),
        });
    }
    for child in children {
        walk(&child, out)?;
    }
    Ok(())
}
