//! `floor MODE ZIP...`: reads each zip's `customizations.xml` on a thread of its
//! own, as dvlint reads a pair, doing only what MODE says, and prints the wall time.
//!
//! - `inflate`: inflates it (256 KiB reads);
//! - `lines`: inflates it and counts its line breaks;
//! - `xml`: quick-xml's events over a 64 KiB `BufReader` of the inflater;
//! - `slice`: inflates it whole, then times quick-xml's events over the slice.
#![forbid(unsafe_code)]

use std::io::{BufReader, Read};
use std::time::Instant;

use quick_xml::events::Event;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), files) = (args.get(1), args.get(2..).unwrap_or_default()) else {
        return Err("usage: floor inflate|lines|xml|slice ZIP...".into());
    };
    let started = Instant::now();
    std::thread::scope(|scope| {
        let runs: Vec<_> = files
            .iter()
            .map(|file| scope.spawn(move || run(mode, file).map_err(|e| e.to_string())))
            .collect();
        for run in runs {
            match run.join() {
                Ok(Ok(report)) => eprintln!("{report}"),
                Ok(Err(e)) => eprintln!("error: {e}"),
                Err(_) => eprintln!("error: a thread panicked"),
            }
        }
    });
    eprintln!(
        "{mode}: {:?} for {} file(s)",
        started.elapsed(),
        files.len()
    );
    Ok(())
}

fn run(mode: &str, file: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file)?)?;
    let member = zip.by_name("customizations.xml")?;
    Ok(match mode {
        "inflate" | "lines" => {
            let (mut member, mut buf) = (member, vec![0u8; 256 * 1024]);
            let (mut bytes, mut lines) = (0usize, 0usize);
            loop {
                let n = member.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                bytes += n;
                if mode == "lines" {
                    lines += memchr::memchr_iter(b'\n', &buf[..n]).count();
                }
            }
            format!("{file}: {bytes} bytes, {lines} line breaks")
        }
        "xml" => {
            let mut reader =
                quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, member));
            let (mut buf, mut events) = (Vec::new(), 0usize);
            loop {
                buf.clear();
                if reader.read_event_into(&mut buf)? == Event::Eof {
                    break;
                }
                events += 1;
            }
            format!("{file}: {events} events")
        }
        "slice" => {
            let (mut member, mut text) = (member, String::new());
            member.read_to_string(&mut text)?;
            let started = Instant::now();
            let mut reader = quick_xml::Reader::from_str(&text);
            let mut events = 0usize;
            while reader.read_event()? != Event::Eof {
                events += 1;
            }
            format!("{file}: {events} events, parsed in {:?}", started.elapsed())
        }
        other => return Err(format!("unknown mode `{other}`").into()),
    })
}
