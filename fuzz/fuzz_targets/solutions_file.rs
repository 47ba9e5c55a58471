//! Arbitrary bytes as an environment's installed solutions (the Web API's JSON): no panic; a listing read is consistent and the rules run against it; a refused one names places in the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::solutions_file(data));
