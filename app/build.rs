//! Generates the `i18n` module from `locales/<language>/<namespace>.json`: one typed key per
//! text, so a wrong key or a wrong placeholder does not compile, and a language missing a key
//! (or holding one English lacks) fails the build.
//!
//! This is what `leptos_i18n_build` does, written out with its two light parts (the parser
//! and the code generator) because that crate also builds ICU's whole data exporter, which
//! Vigil does not use (plural rules come compiled into `icu_plurals`).

use leptos_i18n_parser::parse_locales::{
    options::{Config, ParseOptions},
    parse_locales,
};
use std::path::PathBuf;

/// The languages, English first (the one every other is checked against).
const LOCALES: [&str; 6] = ["en", "ro", "hu", "fi", "nb", "fr"];
/// The files of each language: the customer app (with the notices to contacts), the staff
/// pages (operators, supervisors, guards) and the admin pages.
const NAMESPACES: [&str; 3] = ["app", "staff", "admin"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let mut cfg = Config::new(LOCALES[0])
        .and_then(|c| c.add_locales(&LOCALES[1..]))
        .and_then(|c| c.add_namespaces(NAMESPACES))
        .expect("the languages and namespaces are valid keys");
    cfg.options = ParseOptions::default().interpolate_display(true);
    let parsed = match parse_locales(None, cfg) {
        Ok(parsed) => parsed,
        Err(e) => panic!("app/locales: {e}"),
    };
    for file in parsed.tracked_files.iter().flatten() {
        println!("cargo::rerun-if-changed={file}");
    }
    let problems: Vec<String> = parsed
        .diag
        .errors()
        .iter()
        .map(|e| e.to_string())
        .chain(parsed.diag.warnings().iter().map(|w| w.to_string()))
        .collect();
    assert!(problems.is_empty(), "app/locales:\n{}", problems.join("\n"));
    let code = match leptos_i18n_codegen::gen_code(&parsed, None, false, None, false) {
        Ok(code) => code,
        Err(e) => panic!("app/locales: {e}"),
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("i18n.rs");
    std::fs::write(&out, code.to_string()).expect("OUT_DIR is writable");
}
