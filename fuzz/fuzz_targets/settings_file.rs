//! Arbitrary bytes as a pac deployment settings file: no panic; settings read are consistent (unique names, spans inside the text); refused ones name places in the text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dvlint::fuzzing::settings_file(data));
