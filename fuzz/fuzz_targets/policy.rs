//! Arbitrary bytes as a dvlint.yaml policy.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::policy(data));
