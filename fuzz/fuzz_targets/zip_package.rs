//! Arbitrary bytes as an exported solution zip: load, check, render.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::zip_package(data));
