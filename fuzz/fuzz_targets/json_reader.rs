//! Arbitrary bytes as JSON: dvlint's span-keeping reader must accept exactly what serde_json accepts (a leading BOM aside; nesting past 64 levels is refused) and read the same values, every one at a place inside the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::json_reader(data));
