//! The demo library and the demo scenario.

use std::collections::HashSet;

use fakes::scenario::{Scenario, DEMO_STABLE_SECRET};

use super::*;

#[test]
fn demo_library_is_deterministic_and_complete() {
    let a = GoProScenario::demo();
    let b = GoProScenario::demo();
    assert_eq!(a.library, b.library);
    assert_eq!(a.library.len(), 34);
    let names: Vec<&str> = a.library.iter().map(|m| m.filename.as_str()).collect();
    assert_eq!(names.iter().filter(|n| **n == "GOPR0042.JPG").count(), 2);
    assert!(a.library.iter().any(|m| m.captured_at_timezone.is_none()));
    let mut seeds = HashSet::new();
    for m in &a.library {
        for r in &m.renditions {
            seeds.insert((r.content.seed, r.content.len));
        }
    }
    let distinct: HashSet<u64> = seeds.iter().map(|(s, _)| *s).collect();
    assert_eq!(distinct.len(), seeds.len(), "a seed means one file");
    assert!(a.library.iter().any(|m| m.served_size() > 1 << 30));
    // Scenarios round-trip through JSON (the fake-clouds binary reads them from files).
    let json = serde_json::to_string(&a).unwrap();
    let back: GoProScenario = serde_json::from_str(&json).unwrap();
    assert_eq!(back.library, a.library);
    let minimal: GoProScenario = serde_json::from_str(r#"{"per_page_cap": 50}"#).unwrap();
    assert_eq!(minimal.token_ttl_secs, 4 * 3600);
}

#[test]
fn the_demo_scenario_makes_both_fakes_tokens_stable() {
    let demo = Scenario::demo();
    assert_eq!(
        demo.gopro.stable_secret.as_deref(),
        Some(DEMO_STABLE_SECRET)
    );
    assert_eq!(demo.gopro.stable_secret, demo.google.stable_secret);
    assert_eq!(GoProScenario::default().stable_secret, None);
    let parsed: GoProScenario = serde_json::from_str(r#"{"stable_secret":"from-a-file"}"#).unwrap();
    assert_eq!(parsed.stable_secret.as_deref(), Some("from-a-file"));
}
