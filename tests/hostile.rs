//! Hostile input: the real `dvlint` binary on packages and policies built to hurt it.
//! Every case is built at test time (no big fixtures in the repository) and must end
//! cleanly — exit 0 or 1 with a correct result, or exit 2 with a message naming the
//! file and saying what is wrong — under the bounds of `common::bounded` (a time
//! guard against hangs, and 256 MB), and never read or write outside the package
//! and the report. The YAML source format's cases are in `tests/hostile_yaml.rs`.
//! `cargo test --test hostile -- --nocapture` prints what each run took.

#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
#![allow(clippy::print_stderr)] // tests: each run's time and memory is printed

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::bounded::{
    dvlint, dvlint_within, memory_tempdir, serial, Run, MAX_SECONDS, MAX_SECONDS_READING_MEGABYTES,
};
use common::{zip_members, SOLUTION_XML};

/// `{ENTITY}` is replaced by entities; `{BULK}` by the content of a `<RibbonDiffXml>`.
const CUSTOMIZATIONS_XML: &str = r#"<ImportExportXml>
  <Entities>
    <Entity>
      <Name LocalizedName="Project" OriginalName="Project">cts_Project</Name>
      <EntityInfo>
        <entity Name="cts_Project">
          <attributes>
            <attribute PhysicalName="cts_Code">
              <Type>nvarchar</Type>
              <LogicalName>cts_code</LogicalName>
              <IsCustomField>1</IsCustomField>
              <MaxLength>100</MaxLength>
            </attribute>
          </attributes>
        </entity>
      </EntityInfo>
      <RibbonDiffXml>{BULK}</RibbonDiffXml>
    </Entity>{ENTITY}
  </Entities>
  <optionsets />
  <EntityRelationships />
</ImportExportXml>"#;

fn customizations(entity: &str, bulk: &str) -> String {
    CUSTOMIZATIONS_XML
        .replace("{ENTITY}", entity)
        .replace("{BULK}", bulk)
}

fn plain_customizations() -> String {
    customizations("", "")
}

/// A one-table `Entity.xml` of unpacked source.
fn entity_xml(name: &str) -> String {
    format!(
        "<Entity>\n  <Name>{name}</Name>\n  <EntityInfo>\n    <entity Name=\"{name}\">\n      <attributes>\n        <attribute PhysicalName=\"{name}_code\">\n          <Type>nvarchar</Type>\n          <IsCustomField>1</IsCustomField>\n        </attribute>\n      </attributes>\n    </entity>\n  </EntityInfo>\n</Entity>\n"
    )
}

// ---------------------------------------------------------------------------
// Building packages
// ---------------------------------------------------------------------------

/// An extracted export: `solution.xml` and `customizations.xml`.
fn export(dir: &Path, solution: &[u8], customizations: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("solution.xml"), solution).unwrap();
    std::fs::write(dir.join("customizations.xml"), customizations).unwrap();
}

/// Unpacked source: `Other/Solution.xml` and the given `(path, text)` files.
fn unpacked(dir: &Path, files: &[(&str, &[u8])]) {
    std::fs::create_dir_all(dir.join("Other")).unwrap();
    std::fs::write(dir.join("Other/Solution.xml"), SOLUTION_XML).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A zip member written byte by byte, so that a test can make it lie.
struct RawMember {
    name: Vec<u8>,
    /// Deflated data.
    data: Vec<u8>,
    crc: u32,
    /// The inflated size the headers declare.
    declared: u32,
}

impl RawMember {
    fn new(name: &str, content: &[u8]) -> Self {
        Self {
            name: name.as_bytes().to_vec(),
            data: deflate(content),
            crc: crc32fast::hash(content),
            declared: u32::try_from(content.len()).unwrap(),
        }
    }
}

/// A zip (no zip64) from raw members: duplicate names and lying sizes are written as
/// given, which the `zip` crate's writer refuses to do.
fn raw_zip(members: &[RawMember]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, value: usize) {
        out.extend_from_slice(&u16::try_from(value).unwrap().to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, value: u32) {
        out.extend_from_slice(&value.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for member in members {
        let offset = u32::try_from(out.len()).unwrap();
        let compressed = u32::try_from(member.data.len()).unwrap();
        // Local header: version 2.0, UTF-8 names, deflate, 1980-01-01.
        u32le(&mut out, 0x0403_4b50);
        for value in [20, 0x0800, 8, 0, 0x21] {
            u16le(&mut out, value);
        }
        for value in [member.crc, compressed, member.declared] {
            u32le(&mut out, value);
        }
        u16le(&mut out, member.name.len());
        u16le(&mut out, 0);
        out.extend_from_slice(&member.name);
        out.extend_from_slice(&member.data);
        // Central directory header.
        u32le(&mut central, 0x0201_4b50);
        for value in [20, 20, 0x0800, 8, 0, 0x21] {
            u16le(&mut central, value);
        }
        for value in [member.crc, compressed, member.declared] {
            u32le(&mut central, value);
        }
        for value in [member.name.len(), 0, 0, 0, 0] {
            u16le(&mut central, value);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(&member.name);
    }
    let central_at = u32::try_from(out.len()).unwrap();
    let central_len = u32::try_from(central.len()).unwrap();
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    for value in [0, 0, members.len(), members.len()] {
        u16le(&mut out, value);
    }
    u32le(&mut out, central_len);
    u32le(&mut out, central_at);
    u16le(&mut out, 0);
    out
}

/// Every file and folder below `dir` (links not followed) with its size and a hash
/// of its content, and every link with its target.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.unwrap();
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            let what = if kind.is_symlink() {
                format!("link to {}", std::fs::read_link(&path).unwrap().display())
            } else if kind.is_dir() {
                walk(&path, out);
                "folder".to_owned()
            } else if kind.is_file() {
                let metadata = entry.metadata().unwrap();
                if metadata.len() > 64 << 20 {
                    // A sparse terabyte is not read: its size and time say enough.
                    format!(
                        "{} bytes, modified {:?}",
                        metadata.len(),
                        metadata.modified().ok()
                    )
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    format!("{} bytes, crc {:08x}", bytes.len(), crc32fast::hash(&bytes))
                }
            } else {
                "special".to_owned()
            };
            out.push((path, what));
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

// ---------------------------------------------------------------------------
// 1. No escape from the package
// ---------------------------------------------------------------------------

const MARKER: &str = "dvlint-hostile-marker-7f3a9c";

/// What a case is called, the link dvlint must name, and how to plant it in a package.
type LinkCase<'a> = (&'a str, &'a str, Box<dyn Fn(&Path) + 'a>);

/// `outside/secret.xml` (a table whose name is the marker), beside a package.
fn secret(temp: &Path) -> PathBuf {
    let outside = temp.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret.xml");
    std::fs::write(&secret, entity_xml(MARKER)).unwrap();
    secret
}

#[cfg(unix)]
#[test]
fn links_out_of_an_unpacked_folder_are_refused_and_never_read() {
    use std::os::unix::fs::symlink;
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let secret = secret(temp.path());
    let cases: Vec<LinkCase> = vec![
        (
            "link to /etc/passwd",
            "Entities/cts_Project/Entity.xml",
            Box::new(|pkg: &Path| {
                std::fs::create_dir_all(pkg.join("Entities/cts_Project")).unwrap();
                symlink("/etc/passwd", pkg.join("Entities/cts_Project/Entity.xml")).unwrap();
            }),
        ),
        (
            "absolute link to a file outside",
            "Entities/cts_Project/Entity.xml",
            Box::new(|pkg: &Path| {
                std::fs::create_dir_all(pkg.join("Entities/cts_Project")).unwrap();
                symlink(&secret, pkg.join("Entities/cts_Project/Entity.xml")).unwrap();
            }),
        ),
        (
            "relative ../../ link",
            "Entities/cts_Project/Entity.xml",
            Box::new(|pkg: &Path| {
                std::fs::create_dir_all(pkg.join("Entities/cts_Project")).unwrap();
                symlink(
                    "../../../outside/secret.xml",
                    pkg.join("Entities/cts_Project/Entity.xml"),
                )
                .unwrap();
            }),
        ),
        (
            "linked table folder",
            "Entities/cts_Project/Entity.xml",
            Box::new(|pkg: &Path| {
                let dir = pkg.parent().unwrap().join("outside/table");
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join("Entity.xml"), entity_xml(MARKER)).unwrap();
                std::fs::create_dir_all(pkg.join("Entities")).unwrap();
                symlink(&dir, pkg.join("Entities/cts_Project")).unwrap();
            }),
        ),
        (
            "linked Entities folder",
            "Entities/table/Entity.xml",
            Box::new(|pkg: &Path| {
                let dir = pkg.parent().unwrap().join("outside/entities");
                std::fs::create_dir_all(dir.join("table")).unwrap();
                std::fs::write(dir.join("table/Entity.xml"), entity_xml(MARKER)).unwrap();
                symlink(&dir, pkg.join("Entities")).unwrap();
            }),
        ),
        (
            "linked choice file",
            "OptionSets/cts_priority.xml",
            Box::new(|pkg: &Path| {
                std::fs::create_dir_all(pkg.join("OptionSets")).unwrap();
                symlink(&secret, pkg.join("OptionSets/cts_priority.xml")).unwrap();
            }),
        ),
        (
            "linked Other/Customizations.xml",
            "Other/Customizations.xml",
            Box::new(|pkg: &Path| {
                symlink(&secret, pkg.join("Other/Customizations.xml")).unwrap();
            }),
        ),
        (
            "link to /dev/zero",
            "Entities/cts_Project/Entity.xml",
            Box::new(|pkg: &Path| {
                std::fs::create_dir_all(pkg.join("Entities/cts_Project")).unwrap();
                symlink("/dev/zero", pkg.join("Entities/cts_Project/Entity.xml")).unwrap();
            }),
        ),
    ];
    for (i, (label, link, build)) in cases.iter().enumerate() {
        let pkg = temp.path().join(format!("pkg{i}"));
        unpacked(&pkg, &[]);
        build(&pkg);
        let before = snapshot(temp.path());
        let run = dvlint(label, &["check", &format!("pkg{i}")], temp.path());
        run.fails_with(&[
            &format!("pkg{i}/{link}"),
            "leads outside the solution folder",
        ])
        .never_shows(MARKER)
        .never_shows("root:");
        assert_eq!(snapshot(temp.path()), before, "{label}");
    }

    // The manifest itself behind a linked `Other` folder.
    let pkg = temp.path().join("linked-other");
    std::fs::create_dir_all(&pkg).unwrap();
    let other = temp.path().join("outside/other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("Solution.xml"),
        SOLUTION_XML.replace("ContosoCore", MARKER),
    )
    .unwrap();
    symlink(&other, pkg.join("Other")).unwrap();
    dvlint(
        "linked Other folder",
        &["check", "linked-other"],
        temp.path(),
    )
    .fails_with(&["linked-other/Other/Solution.xml", "leads outside"])
    .never_shows(MARKER);

    // A link that stays inside the package is followed like the file it names.
    let pkg = temp.path().join("inside");
    unpacked(
        &pkg,
        &[("Entities/cts_a/Entity.xml", entity_xml("cts_a").as_bytes())],
    );
    std::fs::create_dir_all(pkg.join("Entities/cts_b")).unwrap();
    symlink("../cts_a/Entity.xml", pkg.join("Entities/cts_b/Entity.xml")).unwrap();
    dvlint("link inside the package", &["check", "inside"], temp.path()).fails_with(&[
        "inside/Entities/cts_b/Entity.xml:2:9: table `cts_a` is defined twice (first at ",
        "inside/Entities/cts_a/Entity.xml:2)",
    ]);

    // Dangling links and link loops: the file cannot be read.
    let pkg = temp.path().join("dangling");
    unpacked(&pkg, &[]);
    std::fs::create_dir_all(pkg.join("Entities/cts_a")).unwrap();
    symlink("missing.xml", pkg.join("Entities/cts_a/Entity.xml")).unwrap();
    dvlint("dangling link", &["check", "dangling"], temp.path())
        .fails_with(&["dangling/Entities/cts_a/Entity.xml: cannot read"]);
    let pkg = temp.path().join("loop");
    unpacked(&pkg, &[]);
    std::fs::create_dir_all(pkg.join("Entities/cts_a")).unwrap();
    symlink("Entity.xml", pkg.join("Entities/cts_a/Entity.xml")).unwrap();
    dvlint("link to itself", &["check", "loop"], temp.path())
        .fails_with(&["loop/Entities/cts_a/Entity.xml: cannot read"]);
}

/// A named pipe where a file should be: opening it would wait for a writer forever.
#[cfg(unix)]
#[test]
fn a_named_pipe_in_the_package_is_refused_without_blocking() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let pkg = temp.path().join("pkg");
    unpacked(&pkg, &[]);
    std::fs::create_dir_all(pkg.join("Entities/cts_a")).unwrap();
    let made = Command::new("mkfifo")
        .arg(pkg.join("Entities/cts_a/Entity.xml"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("[hostile] skipped: no mkfifo to make a named pipe");
        return;
    }
    dvlint("named pipe", &["check", "pkg"], temp.path())
        .fails_with(&["pkg/Entities/cts_a/Entity.xml: not a regular file"]);
}

/// A named pipe as the policy: refused, not waited on.
#[cfg(unix)]
#[test]
fn a_named_pipe_as_the_policy_is_refused_without_blocking() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    unpacked(&temp.path().join("pkg"), &[]);
    let made = Command::new("mkfifo")
        .arg(temp.path().join("dvlint.yaml"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("[hostile] skipped: no mkfifo to make a named pipe");
        return;
    }
    dvlint(
        "named pipe as the policy",
        &["check", "pkg", "--policy", "dvlint.yaml"],
        temp.path(),
    )
    .fails_with(&["cannot read policy `dvlint.yaml`: not a regular file"]);
}

#[test]
fn zip_member_names_are_never_file_system_paths() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let cwd = temp.path().join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    let customizations = plain_customizations();
    let hostile_names = [
        "../../evil.xml",
        "/etc/x.xml",
        "C:\\x.xml",
        "..\\..\\evil2.xml",
        "Entities/../../../evil3.xml",
        "./solution.xml",
    ];
    let mut members: Vec<(&str, &[u8])> = vec![
        ("solution.xml", SOLUTION_XML.as_bytes()),
        ("customizations.xml", customizations.as_bytes()),
    ];
    for name in hostile_names {
        members.push((name, MARKER.as_bytes()));
    }
    std::fs::write(cwd.join("evil.zip"), raw_zip_of(&members)).unwrap();
    let before = snapshot(temp.path());
    let run = dvlint(
        "zip with ../ and absolute member names",
        &["check", "evil.zip"],
        &cwd,
    );
    run.exit(0).never_shows(MARKER);
    assert_eq!(run.stdout(), "no problems in ContosoCore 1.2.0.0\n");
    assert_eq!(snapshot(temp.path()), before);
    assert!(!Path::new("/etc/x.xml").exists());

    // The package itself under such names: a leading `/` or `\` is dropped (the
    // member is still read from the archive); `..` is an ordinary folder name.
    let rooted = raw_zip_of(&[
        ("/solution.xml", SOLUTION_XML.as_bytes()),
        ("\\customizations.xml", customizations.as_bytes()),
    ]);
    std::fs::write(cwd.join("rooted.zip"), rooted).unwrap();
    dvlint(
        "zip with rooted member names",
        &["check", "rooted.zip"],
        &cwd,
    )
    .exit(0);
    let escaping = raw_zip_of(&[
        ("../solution.xml", SOLUTION_XML.as_bytes()),
        ("../customizations.xml", customizations.as_bytes()),
    ]);
    std::fs::write(cwd.join("escaping.zip"), escaping).unwrap();
    dvlint("zip of ../ members only", &["check", "escaping.zip"], &cwd)
        .fails_with(&["escaping.zip: not a solution package"]);
    let unpacked_escape = raw_zip_of(&[
        ("Other/Solution.xml", SOLUTION_XML.as_bytes()),
        ("Entities/../../x/Entity.xml", entity_xml(MARKER).as_bytes()),
    ]);
    std::fs::write(cwd.join("dots.zip"), unpacked_escape).unwrap();
    // `..` is a table folder like any other: its Entity.xml is read from the zip.
    let run = dvlint(
        "unpacked zip with a `..` table folder",
        &["check", "dots.zip"],
        &cwd,
    );
    run.exit(0);
    assert_eq!(snapshot(temp.path()).len(), before.len() + 3);
}

/// Control characters in a member name are escaped in messages: a line break or
/// a terminal escape cannot forge an output line or a workflow command.
#[test]
fn control_characters_in_names_are_escaped() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let name = "Entities/evil\u{1b}[2J\n::error file=forged.xml::forged/Entity.xml";
    let zip = raw_zip_of(&[
        ("Other/Solution.xml", SOLUTION_XML.as_bytes()),
        (name, b"<Entity><Name>x</Name>"),
    ]);
    std::fs::write(temp.path().join("names.zip"), zip).unwrap();
    for format in ["human", "github"] {
        let run = dvlint(
            &format!("control characters in a member name ({format})"),
            &["check", "names.zip", "--format", format],
            temp.path(),
        );
        run.fails_with(&[
            "names.zip!/Entities/evil\\u{1b}[2J\\n::error file=forged.xml::forged/Entity.xml:1:",
        ]);
        assert!(!run.stderr().contains('\u{1b}'), "{}", run.stderr());
        assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
    }
    #[cfg(unix)]
    {
        let pkg = temp.path().join("pkg");
        unpacked(&pkg, &[("Entities/a\nb/Entity.xml", b"<Entity>")]);
        let run = dvlint(
            "a line break in a folder name",
            &["check", "pkg"],
            temp.path(),
        );
        run.fails_with(&["pkg/Entities/a\\nb/Entity.xml:1:"]);
        assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
    }
}

fn raw_zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let raw: Vec<RawMember> = members
        .iter()
        .map(|(name, content)| RawMember::new(name, content))
        .collect();
    raw_zip(&raw)
}

#[test]
fn nothing_is_written_but_stdout_stderr_and_output_files() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let removed =
        customizations("", "").replace("<MaxLength>100</MaxLength>", "<MaxLength>10</MaxLength>");
    export(
        &root.join("base"),
        SOLUTION_XML.as_bytes(),
        plain_customizations().as_bytes(),
    );
    export(
        &root.join("cand"),
        SOLUTION_XML.replace("1.2.0.0", "1.3.0.0").as_bytes(),
        removed.as_bytes(),
    );
    std::fs::write(
        root.join("cand.zip"),
        zip_members(&[
            (
                "solution.xml",
                SOLUTION_XML.replace("1.2.0.0", "1.3.0.0").as_bytes(),
            ),
            ("customizations.xml", removed.as_bytes()),
        ]),
    )
    .unwrap();
    std::fs::write(root.join("dvlint.yaml"), "fail-on: warning\n").unwrap();
    std::fs::create_dir_all(root.join("reports")).unwrap();
    let before = snapshot(root);
    for (label, args) in [
        ("normal run", vec!["check", "cand", "--baseline", "base"]),
        ("zip run", vec!["check", "cand.zip", "--baseline", "base"]),
        (
            "json run",
            vec!["check", "cand", "--baseline", "base", "--format", "json"],
        ),
    ] {
        dvlint(label, &args, root).exit(1);
        assert_eq!(snapshot(root), before, "{label}");
    }
    dvlint(
        "--output run",
        &[
            "check",
            "cand",
            "--baseline",
            "base",
            "--format",
            "github",
            "--output",
            "sarif=reports/dvlint.sarif",
            "--output",
            "junit=reports/dvlint.xml",
        ],
        root,
    )
    .exit(1);
    let mut expected: Vec<PathBuf> = before.iter().map(|(p, _)| p.clone()).collect();
    expected.push(root.join("reports/dvlint.sarif"));
    expected.push(root.join("reports/dvlint.xml"));
    expected.sort();
    let after = snapshot(root);
    let paths: Vec<PathBuf> = after.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(paths, expected);
    for (path, what) in &before {
        assert!(
            after.contains(&(path.clone(), what.clone())),
            "{path:?} changed"
        );
    }
}

// ---------------------------------------------------------------------------
// 2. Bounded everything
// ---------------------------------------------------------------------------

#[test]
fn zip_bombs_are_refused_before_they_inflate() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let customizations = plain_customizations();
    // A package of a solution.xml and `member`.
    let beside_solution = |member: RawMember| {
        raw_zip(&[
            RawMember::new("solution.xml", SOLUTION_XML.as_bytes()),
            member,
        ])
    };

    // By ratio: 256 MiB of zeros, about 1000:1, streamed into the deflater.
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    let mut crc = crc32fast::Hasher::new();
    let block = vec![0u8; 1024 * 1024];
    for _ in 0..256 {
        encoder.write_all(&block).unwrap();
        crc.update(&block);
    }
    let zeros = RawMember {
        name: b"customizations.xml".to_vec(),
        data: encoder.finish().unwrap(),
        crc: crc.finalize(),
        declared: 256 * 1024 * 1024,
    };
    assert!(zeros.data.len() < 1024 * 1024);
    let bomb = beside_solution(zeros);
    std::fs::write(root.join("ratio.zip"), bomb).unwrap();
    dvlint(
        "zip bomb by ratio (256 MiB of zeros)",
        &["check", "ratio.zip"],
        root,
    )
    .fails_with(&[
        "ratio.zip!/customizations.xml: compression ratio",
        "looks like a zip bomb",
    ]);

    // By declared size: a small member whose headers declare 4 GiB - 1.
    let mut huge = RawMember::new("customizations.xml", customizations.as_bytes());
    huge.declared = u32::MAX;
    let bomb = beside_solution(huge);
    std::fs::write(root.join("declared.zip"), bomb).unwrap();
    dvlint("zip bomb by declared size (4 GiB)", &["check", "declared.zip"], root).fails_with(
        &[
            "declared.zip!/customizations.xml: inflates to 4294967295 bytes, over the 2147483648-byte limit",
        ],
    );

    // Headers that lie: 64 MiB of spaces declared as 1000 bytes (no ratio check
    // applies to 1000 bytes). Only 1001 bytes are ever inflated.
    let spaces = vec![b' '; 64 * 1024 * 1024];
    let mut liar = RawMember::new("customizations.xml", &spaces);
    liar.declared = 1000;
    let bomb = beside_solution(liar);
    std::fs::write(root.join("liar.zip"), bomb).unwrap();
    dvlint("member inflating past its declared size", &["check", "liar.zip"], root).fails_with(
        &["liar.zip!/customizations.xml: corrupt zip member: inflates to more than its declared 1000 bytes"],
    );
    // ...and the other way: declared larger than what it inflates to.
    let mut short = RawMember::new("customizations.xml", customizations.as_bytes());
    short.declared = 1_000_000;
    let bomb = beside_solution(short);
    std::fs::write(root.join("short.zip"), bomb).unwrap();
    dvlint("member inflating short of its declared size", &["check", "short.zip"], root)
        .fails_with(&[&format!(
            "short.zip!/customizations.xml: corrupt zip member: inflates to {} bytes, not its declared 1000000",
            customizations.len()
        )]);
    // ...and bytes that are not those of their CRC-32 (which is then the file's
    // digest, not hashed again): the zip crate checks it at their end.
    let mut wrong = RawMember::new("customizations.xml", customizations.as_bytes());
    wrong.crc ^= 1;
    let bomb = beside_solution(wrong);
    std::fs::write(root.join("crc.zip"), bomb).unwrap();
    dvlint(
        "member whose bytes are not those of its CRC-32",
        &["check", "crc.zip"],
        root,
    )
    .fails_with(&["crc.zip!/customizations.xml:", "checksum"]);
}

/// Many members, each under the per-member limits, that together inflate to
/// gigabytes: the archive as a whole is held to the same ratio.
#[test]
fn many_members_cannot_add_up_to_a_bomb() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    // 8 MiB (under the 16 MiB from which one member's ratio is checked) of line
    // breaks in a global choice, 64 times: 512 MiB from about 0.5 MB. Choices of the
    // same name are allowed (the first counts), so every member is read, and kept.
    let mut content = b"<optionset Name=\"cts_bomb\">".to_vec();
    content.resize(8 * 1024 * 1024 - 12, b'\n');
    content.extend_from_slice(b"</optionset>");
    let template = RawMember::new("x", &content);
    let mut members = vec![RawMember::new(
        "Other/Solution.xml",
        SOLUTION_XML.as_bytes(),
    )];
    for i in 0..64 {
        members.push(RawMember {
            name: format!("OptionSets/cts_bomb{i:03}.xml").into_bytes(),
            data: template.data.clone(),
            crc: template.crc,
            declared: template.declared,
        });
    }
    let zip = raw_zip(&members);
    assert!(zip.len() < 1024 * 1024, "{}", zip.len());
    std::fs::write(temp.path().join("many.zip"), zip).unwrap();
    dvlint(
        "64 members of 8 MiB each (512 MiB from 0.5 MB)",
        &["check", "many.zip"],
        temp.path(),
    )
    .fails_with(&[
        "many.zip!/OptionSets/cts_bomb",
        "the members read so far inflate to",
        "over the 200:1 limit: this looks like a zip bomb",
    ]);
}

#[test]
fn a_zip_with_100_000_members_loads_in_bounded_time() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);

    // An export with 100 000 members beside its two files (web resources, say).
    let customizations = plain_customizations();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file("solution.xml", options).unwrap();
    writer.write_all(SOLUTION_XML.as_bytes()).unwrap();
    writer.start_file("customizations.xml", options).unwrap();
    writer.write_all(customizations.as_bytes()).unwrap();
    for i in 0..100_000 {
        writer
            .start_file(format!("WebResources/r{i}.js"), options)
            .unwrap();
        writer.write_all(b"x").unwrap();
    }
    let zip = writer.finish().unwrap().into_inner();
    std::fs::write(temp.path().join("export.zip"), zip).unwrap();
    dvlint(
        "export zip with 100 000 members",
        &["check", "export.zip"],
        temp.path(),
    )
    .exit(0);

    // Unpacked source zipped: 50 000 table folders, each listed, read, parsed and
    // checked. (100 000 take 2.0 s in the debug profile, 0.9 s in release.)
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file("Other/Solution.xml", options).unwrap();
    writer.write_all(SOLUTION_XML.as_bytes()).unwrap();
    for i in 0..50_000 {
        writer
            .start_file(format!("Entities/t{i}/Entity.xml"), options)
            .unwrap();
        write!(writer, "<Entity><Name>t{i}</Name></Entity>").unwrap();
    }
    let zip = writer.finish().unwrap().into_inner();
    std::fs::write(temp.path().join("tables.zip"), zip).unwrap();
    let run = dvlint(
        "unpacked zip with 50 000 tables",
        &["check", "tables.zip", "--format", "json"],
        temp.path(),
    );
    run.exit(0);
    // 10 000 tables with a column each, listed in both formats: every row's line
    // found in one pass over its file, every column under its table.
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    writer.start_file("Other/Solution.xml", options).unwrap();
    writer.write_all(SOLUTION_XML.as_bytes()).unwrap();
    for i in 0..10_000 {
        writer
            .start_file(format!("Entities/t{i}/Entity.xml"), options)
            .unwrap();
        writer
            .write_all(entity_xml(&format!("t{i}")).as_bytes())
            .unwrap();
    }
    let zip = writer.finish().unwrap().into_inner();
    std::fs::write(temp.path().join("listed.zip"), zip).unwrap();
    for format in ["human", "json"] {
        let run = dvlint(
            &format!("components of 10 000 tables, {format}"),
            &["components", "listed.zip", "--format", format],
            temp.path(),
        );
        run.exit(0);
        assert!(run.stdout().contains("t9999"), "{}", run.label);
    }
}

#[test]
fn a_folder_of_100_000_files_loads_in_bounded_time() {
    let _serial = serial();
    let temp = memory_tempdir();
    let pkg = temp.path().join("pkg");
    unpacked(
        &pkg,
        &[("Entities/cts_a/Entity.xml", entity_xml("cts_a").as_bytes())],
    );
    // 100 000 files in one table folder: listed, and only Entity.xml read.
    let dir = pkg.join("Entities/cts_a");
    for i in 0..100_000 {
        std::fs::write(dir.join(format!("f{i}.xml")), "<x/>").unwrap();
    }
    dvlint(
        "100 000 files in one table folder",
        &["check", "pkg"],
        temp.path(),
    )
    .exit(0);
    // And 30 000 choice files, every one read, parsed and checked: the work of as
    // many tables. (50 000 take 1.2 s in the debug profile.)
    let options = pkg.join("OptionSets");
    std::fs::create_dir_all(&options).unwrap();
    for i in 0..30_000 {
        std::fs::write(
            options.join(format!("cts_o{i}.xml")),
            format!("<optionset Name=\"cts_o{i}\"><options><option value=\"{i}\"/></options></optionset>"),
        )
        .unwrap();
    }
    dvlint("and 30 000 choice files", &["check", "pkg"], temp.path()).exit(0);
}

#[test]
fn huge_values_and_deep_nesting_are_bounded() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let ten_mb = "v".repeat(10 * 1024 * 1024);

    // A 10 MB attribute value on a column, and one on a blanked element's start tag.
    let big_value = plain_customizations()
        .replace(
            "<attribute PhysicalName=\"cts_Code\">",
            &format!("<attribute PhysicalName=\"cts_Code\" Description=\"{ten_mb}\">"),
        )
        .replace(
            "<RibbonDiffXml>",
            &format!("<RibbonDiffXml label=\"{ten_mb}\">"),
        );
    export(
        &root.join("value"),
        SOLUTION_XML.as_bytes(),
        big_value.as_bytes(),
    );
    dvlint("10 MB attribute values", &["check", "value"], root).exit(0);

    // A 10 MB table name: read, and quoted (shortened?) in a finding.
    let big_name = plain_customizations().replace("cts_Project", &format!("cts_{ten_mb}"));
    export(
        &root.join("name"),
        SOLUTION_XML.as_bytes(),
        big_name.as_bytes(),
    );
    dvlint("10 MB table name", &["check", "name"], root).exit(0);

    // An unterminated 10 MB attribute value.
    let open_value = plain_customizations().replace(
        "<RibbonDiffXml>",
        &format!("<RibbonDiffXml label=\"{ten_mb}"),
    );
    export(
        &root.join("open"),
        SOLUTION_XML.as_bytes(),
        open_value.as_bytes(),
    );
    dvlint(
        "unterminated 10 MB attribute value",
        &["check", "open"],
        root,
    )
    .fails_with(&["open/customizations.xml:", "malformed XML"]);

    // 200 000-deep nesting inside a table: refused at depth 256.
    let deep = "<a>".repeat(200_000) + &"</a>".repeat(200_000);
    let nested = plain_customizations().replace("<EntityInfo>", &format!("{deep}<EntityInfo>"));
    export(
        &root.join("deep"),
        SOLUTION_XML.as_bytes(),
        nested.as_bytes(),
    );
    dvlint("200 000-deep nesting in a table", &["check", "deep"], root)
        .fails_with(&["deep/customizations.xml:", "nested more than 256 deep"]);
    // ...in the manifest,
    let nested = SOLUTION_XML.replace("<RootComponents />", &deep);
    export(
        &root.join("deep-manifest"),
        nested.as_bytes(),
        plain_customizations().as_bytes(),
    );
    dvlint(
        "200 000-deep nesting in the manifest",
        &["check", "deep-manifest"],
        root,
    )
    .fails_with(&["deep-manifest/solution.xml:", "nested more than 256 deep"]);
    // ...unclosed,
    let unclosed = plain_customizations().replace("<EntityInfo>", &"<a>".repeat(200_000));
    export(
        &root.join("unclosed"),
        SOLUTION_XML.as_bytes(),
        unclosed.as_bytes(),
    );
    dvlint("200 000 unclosed elements", &["check", "unclosed"], root)
        .fails_with(&["unclosed/customizations.xml:", "nested more than 256 deep"]);
    // ...and inside a blanked <RibbonDiffXml>, which is not parsed: accepted.
    let bulk = customizations("", &deep);
    export(
        &root.join("deep-bulk"),
        SOLUTION_XML.as_bytes(),
        bulk.as_bytes(),
    );
    dvlint(
        "200 000-deep nesting in <RibbonDiffXml>",
        &["check", "deep-bulk"],
        root,
    )
    .exit(0);
    let same_name = "<RibbonDiffXml>".repeat(200_000) + &"</RibbonDiffXml>".repeat(200_000);
    let bulk = customizations("", &same_name);
    export(
        &root.join("deep-formxml"),
        SOLUTION_XML.as_bytes(),
        bulk.as_bytes(),
    );
    dvlint(
        "200 000 nested <RibbonDiffXml>",
        &["check", "deep-formxml"],
        root,
    )
    .exit(0);
    let bulk = customizations("", &"<a>".repeat(200_000));
    export(
        &root.join("unclosed-bulk"),
        SOLUTION_XML.as_bytes(),
        bulk.as_bytes(),
    );
    dvlint(
        "200 000 unclosed elements in <RibbonDiffXml>",
        &["check", "unclosed-bulk"],
        root,
    )
    .exit(0);
    // ...and 200 000 <RibbonDiffXml> never closed: the blanking runs to the end of the file.
    let bulk = customizations("", &"<RibbonDiffXml>".repeat(200_000));
    export(
        &root.join("open-formxml"),
        SOLUTION_XML.as_bytes(),
        bulk.as_bytes(),
    );
    dvlint(
        "200 000 unclosed <RibbonDiffXml>",
        &["check", "open-formxml"],
        root,
    )
    .fails_with(&["open-formxml/customizations.xml:", "unexpected end of file"]);
}

#[test]
fn many_attributes_on_one_element_are_bounded() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let attributes: String = (0..200_000).map(|i| format!(" a{i}=\"\"")).collect();
    let many = plain_customizations().replace(
        "<attribute PhysicalName=\"cts_Code\">",
        &format!("<attribute PhysicalName=\"cts_Code\"{attributes}>"),
    );
    export(
        &temp.path().join("pkg"),
        SOLUTION_XML.as_bytes(),
        many.as_bytes(),
    );
    dvlint(
        "200 000 attributes on one element",
        &["check", "pkg"],
        temp.path(),
    )
    .exit(0);

    // The attribute dvlint reads, given twice: ambiguous, refused.
    let twice = plain_customizations().replace(
        "<attribute PhysicalName=\"cts_Code\">",
        "<attribute PhysicalName=\"cts_Code\" PhysicalName=\"cts_Other\">",
    );
    export(
        &temp.path().join("twice"),
        SOLUTION_XML.as_bytes(),
        twice.as_bytes(),
    );
    dvlint("an attribute given twice", &["check", "twice"], temp.path())
        .fails_with(&["twice/customizations.xml:", "`PhysicalName` is given twice"]);
}

#[test]
fn dtds_and_entities_are_refused_wherever_they_are() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n<!ENTITY lol9 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n";
    let xxe =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n";
    let manifest = format!("{laughs}{}", SOLUTION_XML.replace("ContosoCore", "&lol9;"));
    export(
        &root.join("laughs"),
        manifest.as_bytes(),
        plain_customizations().as_bytes(),
    );
    dvlint("billion laughs in solution.xml", &["check", "laughs"], root).fails_with(&[
        "laughs/solution.xml:2:1: document type declarations (DTDs and entities) are not allowed",
    ]);
    let external = format!(
        "{xxe}{}",
        plain_customizations().replace("cts_Project</Name>", "&xxe;</Name>")
    );
    export(
        &root.join("xxe"),
        SOLUTION_XML.as_bytes(),
        external.as_bytes(),
    );
    dvlint(
        "external entity in customizations.xml",
        &["check", "xxe"],
        root,
    )
    .fails_with(&["xxe/customizations.xml:2:1: document type declarations"])
    .never_shows("root:");
    let pkg = root.join("unpacked");
    unpacked(
        &pkg,
        &[(
            "Entities/cts_a/Entity.xml",
            format!("{xxe}{}", entity_xml("cts_a")).as_bytes(),
        )],
    );
    dvlint(
        "external entity in Entity.xml",
        &["check", "unpacked"],
        root,
    )
    .fails_with(&["unpacked/Entities/cts_a/Entity.xml:2:1: document type declarations"]);
    // An entity used without a declaration is not expanded either.
    let undeclared = plain_customizations().replace("cts_Project</Name>", "&xxe;</Name>");
    export(
        &root.join("undeclared"),
        SOLUTION_XML.as_bytes(),
        undeclared.as_bytes(),
    );
    dvlint("undeclared entity", &["check", "undeclared"], root).fails_with(&[
        "undeclared/customizations.xml:4:",
        "undeclared entity `&xxe;`",
    ]);
    // A DOCTYPE inside a blanked <RibbonDiffXml> is not parsed, so never expanded: accepted.
    let bulk = customizations("", "<!DOCTYPE x [<!ENTITY a \"b\">]>&a;");
    export(&root.join("bulk"), SOLUTION_XML.as_bytes(), bulk.as_bytes());
    dvlint("DOCTYPE inside <RibbonDiffXml>", &["check", "bulk"], root).exit(0);
}

#[test]
fn hostile_policies_are_bounded() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    export(
        &root.join("pkg"),
        SOLUTION_XML.as_bytes(),
        plain_customizations().as_bytes(),
    );

    // "Billion laughs" through anchors and aliases: 9 levels of 9 aliases each.
    let mut bomb =
        String::from("anchors:\n  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let row = [previous.as_str(); 9].join(", ");
        bomb.push_str(&format!("  - &a{level} [{row}]\n"));
    }
    bomb.push_str("fail-on: error\n");
    std::fs::write(root.join("laughs.yaml"), &bomb).unwrap();
    dvlint(
        "YAML alias bomb",
        &["check", "pkg", "--policy", "laughs.yaml"],
        root,
    )
    .fails_with(&[
        "invalid policy `laughs.yaml`",
        "laughs.yaml:",
        "yaml aliases expand the policy to more than 100000 nodes",
    ]);

    // Aliases of a mapping, used as rule settings many times over.
    let mut fanout = String::from("rules:\n  entity-removed: &s { severity: error }\nallow:\n");
    for i in 0..8_000 {
        fanout.push_str(&format!(
            "  - {{ rule: entity-removed, component: \"t{i}\", reason: *s }}\n"
        ));
    }
    std::fs::write(root.join("fanout.yaml"), &fanout).unwrap();
    dvlint(
        "8 000 aliases of a mapping",
        &["check", "pkg", "--policy", "fanout.yaml"],
        root,
    )
    .fails_with(&[
        "invalid policy `fanout.yaml`",
        "expected a string, found a mapping",
    ]);

    // 200 000-deep YAML nesting: the YAML scanner would take minutes over it.
    let deep = format!("rules: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
    std::fs::write(root.join("deep.yaml"), &deep).unwrap();
    dvlint("200 000-deep YAML", &["check", "pkg", "--policy", "deep.yaml"], root).fails_with(&[
        "deep.yaml:1:136: more than 128 `[` and `{` open at once; lists and mappings may nest 16 deep",
    ]);
    // Nesting a little deeper than a policy needs, over a list as big as allowed:
    // every node costs yaml_serde work in proportion to its depth.
    let mut nested = format!("rules: {}", "[".repeat(16));
    while nested.len() < 500 * 1024 {
        nested.push_str("a, ");
    }
    nested.push_str(&"]".repeat(16));
    std::fs::write(root.join("nested.yaml"), &nested).unwrap();
    dvlint(
        "16-deep YAML list of 170 000 items",
        &["check", "pkg", "--policy", "nested.yaml"],
        root,
    )
    .fails_with(&["nested.yaml:1:8: expected a mapping, found a list"]);
    let nested = nested.replacen("[", "[[", 1) + "]";
    std::fs::write(root.join("nested.yaml"), &nested).unwrap();
    dvlint(
        "17-deep YAML list",
        &["check", "pkg", "--policy", "nested.yaml"],
        root,
    )
    .fails_with(&["nested.yaml:1:24: lists and mappings nested more than 16 deep"]);

    // A 50 MB policy is refused unread.
    let mut file = std::fs::File::create(root.join("big.yaml")).unwrap();
    let line = format!("# {}\n", "x".repeat(1021));
    for _ in 0..50 * 1024 {
        file.write_all(line.as_bytes()).unwrap();
    }
    drop(file);
    dvlint(
        "50 MB policy",
        &["check", "pkg", "--policy", "big.yaml"],
        root,
    )
    .fails_with(&["policy `big.yaml` is too large: 52428800 bytes, the limit is 512 KiB"]);
    // Just under the limit: a list as long as it allows, allow entries whose globs
    // are as long as allowed (each compiles to a matcher), and as many problems.
    let policy_of = |head: &str, entry: &dyn Fn(usize) -> String| {
        let mut text = head.to_owned();
        let mut i = 0;
        loop {
            let next = entry(i);
            if text.len() + next.len() > 512 * 1024 {
                return (text, i);
            }
            text.push_str(&next);
            i += 1;
        }
    };
    let (text, n) = policy_of("solutions:\n", &|_| "- a\n".to_owned());
    std::fs::write(root.join("list.yaml"), text).unwrap();
    dvlint(
        &format!("512 KiB policy, a list of {n} items"),
        &["check", "pkg", "--policy", "list.yaml"],
        root,
    )
    .fails_with(&["list.yaml:2:3: expected a mapping, found a string"]);
    let (text, n) = policy_of("allow:\n", &|i| {
        format!("  - {{ rule: attribute-removed, component: \"cts_t{i}.cts_c*\", reason: r }}\n")
    });
    std::fs::write(root.join("many.yaml"), text).unwrap();
    dvlint(
        &format!("512 KiB policy, {n} allow entries"),
        &["check", "pkg", "--policy", "many.yaml"],
        root,
    )
    .exit(0);
    let glob = "**a".repeat(341);
    let (text, n) = policy_of("allow:\n", &|_| {
        format!("  - {{ rule: attribute-removed, component: \"{glob}\", reason: r }}\n")
    });
    std::fs::write(root.join("globs.yaml"), text).unwrap();
    dvlint(
        &format!("512 KiB policy, {n} globs of 1023 characters"),
        &["check", "pkg", "--policy", "globs.yaml"],
        root,
    )
    .exit(0);
    let long = format!(
        "allow:\n  - {{ rule: attribute-removed, component: \"{}\", reason: r }}\n",
        "{a,b}".repeat(100_000)
    );
    std::fs::write(root.join("long.yaml"), long).unwrap();
    dvlint(
        "a glob of 500 000 characters",
        &["check", "pkg", "--policy", "long.yaml"],
        root,
    )
    .fails_with(&[
        "long.yaml:2:43: glob `{a,b}{a,b}",
        "` is longer than 1024 characters",
    ]);
    let (text, n) = policy_of("rules:\n", &|i| format!("  entity-remove{i}: fatal\n"));
    std::fs::write(root.join("bad.yaml"), text).unwrap();
    dvlint(
        &format!("512 KiB policy, {n} unknown rules"),
        &["check", "pkg", "--policy", "bad.yaml"],
        root,
    )
    .fails_with(&[
        "bad.yaml:2:3: unknown rule `entity-remove0`; did you mean `entity-removed`?",
        // Two problems a line (the rule, the severity): 200 listed, the rest counted.
        &format!(
            "bad.yaml:102:3: {} more problems not listed, the first of them here",
            2 * n - 200
        ),
    ]);
    // Not UTF-8.
    std::fs::write(root.join("latin1.yaml"), b"fail-on: error\n# caf\xe9\n").unwrap();
    dvlint(
        "policy in Latin-1",
        &["check", "pkg", "--policy", "latin1.yaml"],
        root,
    )
    .fails_with(&["latin1.yaml:2:6: the policy is not valid utf-8"]);
}

// ---------------------------------------------------------------------------
// Data formats
// ---------------------------------------------------------------------------

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    if bom {
        units.insert(0, 0xFEFF);
    }
    units
        .into_iter()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_place() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let customizations = plain_customizations();

    let mut latin1 = customizations.clone().into_bytes();
    let at = customizations.find("cts_Project<").unwrap() + 3;
    latin1[at] = 0xE9;
    export(&root.join("latin1"), SOLUTION_XML.as_bytes(), &latin1);
    dvlint("invalid UTF-8 in a name", &["check", "latin1"], root)
        .fails_with(&["latin1/customizations.xml:4:63: invalid UTF-8; solution files are UTF-8"]);

    let mut in_bulk = customizations
        .replace("<RibbonDiffXml>", "<RibbonDiffXml>\n  caf")
        .into_bytes();
    let at = in_bulk.windows(3).position(|w| w == b"caf").unwrap() + 3;
    in_bulk.insert(at, 0xE9);
    export(&root.join("bulk"), SOLUTION_XML.as_bytes(), &in_bulk);
    dvlint("invalid UTF-8 in <RibbonDiffXml>", &["check", "bulk"], root)
        .fails_with(&["bulk/customizations.xml:18:6: invalid UTF-8"]);

    for (label, dir, big_endian, bom, expected) in [
        (
            "UTF-16 LE with BOM",
            "le-bom",
            false,
            true,
            "the file is UTF-16; solution files are UTF-8",
        ),
        (
            "UTF-16 BE with BOM",
            "be-bom",
            true,
            true,
            "the file is UTF-16; solution files are UTF-8",
        ),
        ("UTF-16 LE without BOM", "le", false, false, "NUL character"),
        ("UTF-16 BE without BOM", "be", true, false, "NUL character"),
    ] {
        export(
            &root.join(dir),
            &utf16(SOLUTION_XML, big_endian, bom),
            customizations.as_bytes(),
        );
        dvlint(label, &["check", dir], root)
            .fails_with(&[&format!("{dir}/solution.xml"), expected]);
    }
}

#[test]
fn a_byte_order_mark_inside_a_file() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    // Between elements and in text: an ordinary character (U+FEFF).
    let between = plain_customizations().replace("  <optionsets />", "\u{feff}  <optionsets />");
    export(
        &root.join("between"),
        SOLUTION_XML.as_bytes(),
        between.as_bytes(),
    );
    dvlint("BOM between elements", &["check", "between"], root).exit(0);
    // Two files concatenated: the second one's BOM and declaration mid-file.
    let concatenated = format!(
        "{}\n\u{feff}<?xml version=\"1.0\"?>\n{}",
        plain_customizations(),
        plain_customizations()
    );
    export(
        &root.join("concat"),
        SOLUTION_XML.as_bytes(),
        concatenated.as_bytes(),
    );
    // Nothing after the root element is read (see the report: an end-of-document
    // check belongs in XmlCursor).
    dvlint("BOM of a second file appended", &["check", "concat"], root).exit(0);
    // Inside a name it would make another name that looks the same (a table
    // "removed" and "added" at once): refused, shown escaped. So is any invisible
    // character in a name.
    let in_name = plain_customizations().replace(">cts_Project<", ">\u{feff}cts_Project<");
    export(
        &root.join("name"),
        SOLUTION_XML.as_bytes(),
        in_name.as_bytes(),
    );
    dvlint("BOM inside a table name", &["check", "name"], root).fails_with(&[
        "name/customizations.xml:4:60: table name `\\u{feff}cts_Project` holds U+FEFF, an invisible character (a byte-order mark inside the file)",
    ]);
    let in_column = plain_customizations().replace("\"cts_Code\"", "\"cts_\u{200b}Code\"");
    export(
        &root.join("column"),
        SOLUTION_XML.as_bytes(),
        in_column.as_bytes(),
    );
    dvlint("zero-width space in a column name", &["check", "column"], root).fails_with(&[
        "column/customizations.xml:8:38: column name `cts_\\u{200b}Code` holds U+200B, an invisible character",
    ]);
}

#[test]
fn duplicates_are_errors_or_defined() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let plain = plain_customizations();
    let other = plain.replace("cts_Project", "cts_Other");

    // The same member name twice in a zip: ambiguous, refused.
    let twice = raw_zip_of(&[
        ("solution.xml", SOLUTION_XML.as_bytes()),
        ("customizations.xml", plain.as_bytes()),
        ("customizations.xml", other.as_bytes()),
    ]);
    std::fs::write(root.join("twice.zip"), twice).unwrap();
    dvlint("zip member named twice", &["check", "twice.zip"], root).fails_with(&[
        "twice.zip!/customizations.xml: the archive holds more than one member of this name",
    ]);
    // ...also when only case or separators tell them apart.
    let cased = raw_zip_of(&[
        ("solution.xml", SOLUTION_XML.as_bytes()),
        ("Customizations.xml", plain.as_bytes()),
        ("customizations.xml", other.as_bytes()),
    ]);
    std::fs::write(root.join("cased.zip"), cased).unwrap();
    dvlint(
        "zip members differing in case",
        &["check", "cased.zip"],
        root,
    )
    .fails_with(&[
        "cased.zip: holds both `Customizations.xml` and `customizations.xml`, which differ only in case; refusing an ambiguous package",
    ]);
    let separators = raw_zip_of(&[
        ("Other/Solution.xml", SOLUTION_XML.as_bytes()),
        ("Entities/cts_a/Entity.xml", entity_xml("cts_a").as_bytes()),
        (
            "Entities\\cts_a\\Entity.xml",
            entity_xml("cts_b").as_bytes(),
        ),
    ]);
    std::fs::write(root.join("separators.zip"), separators).unwrap();
    dvlint("zip members differing in separators", &["check", "separators.zip"], root)
        .fails_with(&["separators.zip!/Entities/cts_a/Entity.xml: the archive holds more than one member of this name"]);

    // A table in two members of a zip, or twice in one file: an error naming both.
    let tables = raw_zip_of(&[
        ("Other/Solution.xml", SOLUTION_XML.as_bytes()),
        ("Entities/cts_a/Entity.xml", entity_xml("cts_a").as_bytes()),
        ("Entities/cts_b/Entity.xml", entity_xml("cts_a").as_bytes()),
    ]);
    std::fs::write(root.join("tables.zip"), tables).unwrap();
    dvlint("table in two zip members", &["check", "tables.zip"], root).fails_with(&[
        "tables.zip!/Entities/cts_b/Entity.xml:2:9: table `cts_a` is defined twice (first at tables.zip!/Entities/cts_a/Entity.xml:2)",
    ]);
    let second = "\n    <Entity>\n      <Name>cts_project</Name>\n    </Entity>";
    export(
        &root.join("table"),
        SOLUTION_XML.as_bytes(),
        customizations(second, "").as_bytes(),
    );
    dvlint("table twice in one file", &["check", "table"], root).fails_with(&[
        "table/customizations.xml:20:13: table `cts_project` is defined twice (first at table/customizations.xml:4)",
    ]);

    // A column twice in one table.
    let column = "            <attribute PhysicalName=\"cts_CODE\">\n              <Type>int</Type>\n            </attribute>\n          </attributes>";
    let doubled = plain.replacen("          </attributes>", column, 1);
    export(
        &root.join("column"),
        SOLUTION_XML.as_bytes(),
        doubled.as_bytes(),
    );
    dvlint("column twice in one table", &["check", "column"], root).fails_with(&[
        "column/customizations.xml:14:13: column `cts_code` is defined twice in table `cts_project` (first at line 8)",
    ]);

    // An option value twice in one choice.
    let choice = "<optionsets>\n    <optionset Name=\"cts_priority\">\n      <OptionSetType>picklist</OptionSetType>\n      <options>\n        <option value=\"1\"/>\n        <option value=\"2\"/>\n        <option value=\"1\"/>\n      </options>\n    </optionset>\n  </optionsets>";
    let doubled = plain.replace("<optionsets />", choice);
    export(
        &root.join("option"),
        SOLUTION_XML.as_bytes(),
        doubled.as_bytes(),
    );
    dvlint("option value twice in one choice", &["check", "option"], root).fails_with(&[
        "option/customizations.xml:26:9: option value 1 is defined twice in choice `cts_priority` (first at line 24)",
    ]);

    // Global choices and relationships may be listed in several files of unpacked
    // source (one per table they touch): the first one counts.
    let choice = |label: &str| {
        format!("<optionset Name=\"cts_priority\"><options><option value=\"1\"><labels><label description=\"{label}\"/></labels></option></options></optionset>")
    };
    let pkg = root.join("choices");
    unpacked(
        &pkg,
        &[
            ("OptionSets/a.xml", choice("first").as_bytes()),
            ("OptionSets/b.xml", choice("second").as_bytes()),
        ],
    );
    dvlint("global choice in two files", &["check", "choices"], root).exit(0);

    // Two files whose names differ only in case, where dvlint looks one up.
    let pkg = root.join("cases");
    unpacked(
        &pkg,
        &[
            ("Entities/cts_a/Entity.xml", entity_xml("cts_a").as_bytes()),
            ("Entities/cts_a/entity.xml", entity_xml("cts_b").as_bytes()),
        ],
    );
    dvlint("Entity.xml and entity.xml", &["check", "cases"], root)
        .fails_with(&["cases/Entities/cts_a", "`Entity.xml` and `entity.xml`"]);
}

#[test]
fn component_files_are_bounded_and_checked() {
    let _serial = serial();
    let temp = memory_tempdir();
    let root = temp.path();

    // 3 000 environment variables and 3 000 web resources: every definition read.
    let pkg = root.join("many");
    unpacked(&pkg, &[]);
    for i in 0..3_000 {
        let dir = pkg.join(format!("environmentvariabledefinitions/cts_v{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("environmentvariabledefinition.xml"),
            format!("<environmentvariabledefinition schemaname=\"cts_v{i}\"><type>100000000</type></environmentvariabledefinition>"),
        )
        .unwrap();
    }
    let resources = pkg.join("WebResources/cts_/js");
    std::fs::create_dir_all(&resources).unwrap();
    for i in 0..3_000 {
        std::fs::write(
            resources.join(format!("r{i}.js.data.xml")),
            format!("<WebResource><Name>cts_/js/r{i}.js</Name></WebResource>"),
        )
        .unwrap();
    }
    dvlint(
        "3 000 variables and 3 000 web resources",
        &["check", "many"],
        root,
    )
    .exit(0);

    // Component folders nested 200 deep: read down to the depth pac writes, no further.
    let deep = root.join("deep");
    unpacked(&deep, &[]);
    let mut dir = deep.join("customapis");
    let mut web = deep.join("WebResources");
    for _ in 0..200 {
        dir = dir.join("cts_a").join("customapis");
        web = web.join("d");
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&web).unwrap();
    std::fs::write(dir.join("customapi.xml"), "<customapi uniquename=\"x\"/>").unwrap();
    std::fs::write(
        web.join("x.data.xml"),
        "<WebResource><Name>x</Name></WebResource>",
    )
    .unwrap();
    dvlint("component folders 200 deep", &["check", "deep"], root).exit(0);

    // A definition without its key, an invisible character in a key, and one
    // component defined twice: errors naming the place.
    let flow = "Workflows/Flow-6D9315A8-4E94-EF11-8A69-7C1E524A2AE3.json.data.xml";
    unpacked(
        &root.join("keyless"),
        &[(
            flow,
            b"<Workflow Name=\"No id\">\n  <Category>5</Category>\n</Workflow>",
        )],
    );
    dvlint("a workflow without WorkflowId", &["check", "keyless"], root).fails_with(&[
        "keyless/Workflows/Flow-6D9315A8-4E94-EF11-8A69-7C1E524A2AE3.json.data.xml:1:1: <Workflow> has no `WorkflowId` attribute: which workflow it defines is unknown",
    ]);
    unpacked(
        &root.join("invisible"),
        &[(
            "environmentvariabledefinitions/cts_v/environmentvariabledefinition.xml",
            "<environmentvariabledefinition schemaname=\"cts_\u{200B}v\"/>".as_bytes(),
        )],
    );
    dvlint(
        "an invisible character in a key",
        &["check", "invisible"],
        root,
    )
    .fails_with(&["holds U+200B, an invisible character"]);
    let role = "<Role id=\"{144e624f-c812-ef11-9f89-0022480b09c2}\" name=\"Manager\"/>";
    unpacked(
        &root.join("twice"),
        &[
            ("Roles/Manager.xml", role.as_bytes()),
            ("Roles/Manager (old).xml", role.as_bytes()),
        ],
    );
    dvlint("a role in two files", &["check", "twice"], root).fails_with(&[
        "twice/Roles/Manager.xml:1:1: security role `role/144e624f-c812-ef11-9f89-0022480b09c2` is defined twice (first at twice/Roles/Manager (old).xml:1)",
    ]);
    // ...but the managed twin of "both" source is the same component.
    let form = "<forms><systemform><formid>{ee79f890-fbd3-407a-8a68-74760952ecd6}</formid></systemform></forms>";
    unpacked(
        &root.join("both"),
        &[
            ("Entities/cts_a/Entity.xml", entity_xml("cts_a").as_bytes()),
            (
                "Entities/cts_a/FormXml/main/{ee79f890-fbd3-407a-8a68-74760952ecd6}.xml",
                form.as_bytes(),
            ),
            (
                "Entities/cts_a/FormXml/main/{ee79f890-fbd3-407a-8a68-74760952ecd6}_managed.xml",
                form.as_bytes(),
            ),
        ],
    );
    dvlint("a form and its managed twin", &["check", "both"], root).exit(0);
    // Two major versions of one assembly side by side are two assemblies; the
    // same version twice is ambiguous.
    let assembly = |version: &str, id: &str| {
        format!("<PluginAssembly FullName=\"Cts.Plugins, Version={version}, Culture=neutral, PublicKeyToken=0123456789abcdef\" PluginAssemblyId=\"{id}\" />")
    };
    let one = assembly("1.0.0.0", "0f7e7ca0-8279-4ba8-8c45-482a09b36b72");
    let two = assembly("2.0.0.0", "c18776e1-befa-444f-8467-03a8ddf8da6c");
    let again = assembly("1.0.3.0", "c18776e1-befa-444f-8467-03a8ddf8da6c");
    let first =
        "PluginAssemblies/CtsPlugins-0F7E7CA0-8279-4BA8-8C45-482A09B36B72/CtsPlugins.dll.data.xml";
    let second =
        "PluginAssemblies/CtsPlugins-C18776E1-BEFA-444F-8467-03A8DDF8DA6C/CtsPlugins.dll.data.xml";
    unpacked(
        &root.join("versions"),
        &[(first, one.as_bytes()), (second, two.as_bytes())],
    );
    let run = dvlint(
        "two major versions of one assembly",
        &["components", "versions", "--format", "json"],
        root,
    );
    run.exit(0);
    let listed = run.stdout();
    assert!(
        listed.contains("\"pluginassembly/cts.plugins\""),
        "{listed}"
    );
    assert!(
        listed.contains("\"pluginassembly/cts.plugins@2.0\""),
        "{listed}"
    );
    unpacked(
        &root.join("rebuilt"),
        &[(first, one.as_bytes()), (second, again.as_bytes())],
    );
    dvlint("one assembly version twice", &["check", "rebuilt"], root)
        .fails_with(&["plug-in assembly `pluginassembly/cts.plugins` is defined twice"]);
}

// ---------------------------------------------------------------------------
// Environment files: installed solutions and deployment settings
// ---------------------------------------------------------------------------

/// A fixture package that needs `msdynce_Service` and `CreatorKitCore`.
const NEEDS_TWO: &str = "tests/fixtures/dependency-missing/ok-installed-web-api/candidate";

/// Which file of an environment a case is about.
#[derive(Debug, Clone, Copy)]
enum EnvFile {
    Solutions,
    Settings,
}

impl EnvFile {
    const BOTH: [EnvFile; 2] = [EnvFile::Solutions, EnvFile::Settings];

    fn key(self) -> &'static str {
        match self {
            EnvFile::Solutions => "solutions",
            EnvFile::Settings => "settings",
        }
    }

    fn what(self) -> &'static str {
        match self {
            EnvFile::Solutions => "solutions file",
            EnvFile::Settings => "deployment settings",
        }
    }

    /// Where the policy names the file: `dvlint.yaml:4:<column>`.
    fn named_at(self) -> String {
        format!("dvlint.yaml:4:{}", self.key().len() + 7)
    }

    /// One entry of the file: a solution the package needs, or a variable.
    fn row(self, i: usize) -> String {
        match self {
            EnvFile::Solutions => format!(
                "{{\"uniquename\":\"cts_solution{i:06}\",\"version\":\"1.0.{i}.0\",\"ismanaged\":{},\"publisherid\":{{\"uniquename\":\"contoso\"}}}}",
                i.is_multiple_of(2)
            ),
            EnvFile::Settings => format!(
                "{{\"SchemaName\":\"cts_variable{i:06}\",\"Value\":\"https://contoso.example/api/{i:06}\"}}"
            ),
        }
    }

    /// A valid file of `rows` entries besides the ones the package needs.
    fn valid(self, rows: usize) -> String {
        let mut entries: Vec<String> = (0..rows).map(|i| self.row(i)).collect();
        match self {
            EnvFile::Solutions => {
                entries.push(
                    r#"{"uniquename":"msdynce_Service","version":"9.0.5.56","ismanaged":true}"#
                        .to_owned(),
                );
                entries.push(r#"{"uniquename":"CreatorKitCore","version":"1.0.20230421.1","ismanaged":true}"#.to_owned());
                format!(
                    "{{\"@odata.context\":\"x\",\"value\":[{}]}}",
                    entries.join(",")
                )
            }
            EnvFile::Settings => format!(
                "{{\"EnvironmentVariables\":[{}],\"ConnectionReferences\":[]}}",
                entries.join(",")
            ),
        }
    }

    /// `{"value": [ ... ]}` or `{"EnvironmentVariables": [ ... ]}` around `items`.
    fn list(self, items: &str) -> String {
        match self {
            EnvFile::Solutions => format!("{{\"value\": [{items}]}}"),
            EnvFile::Settings => format!("{{\"EnvironmentVariables\": [{items}]}}"),
        }
    }
}

/// `root/pkg` (the fixture, copied once) and a policy whose environment `test`
/// names `file` as its `kind`.
fn environment(root: &Path, kind: EnvFile, file: &str) {
    if !root.join("pkg").exists() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(NEEDS_TWO);
        common::copy_tree(&fixture, &root.join("pkg"));
    }
    let policy = format!(
        "environments:\n  test:\n    version: \"9.2.24012.198\"\n    {}: {file}\n",
        kind.key()
    );
    std::fs::write(root.join("dvlint.yaml"), policy).unwrap();
}

/// `dvlint check pkg` under the policy in `root`, which must write nothing.
fn check_environment(root: &Path, label: &str, max_time: Duration) -> Run {
    let before = snapshot(root);
    let run = dvlint_within(
        label,
        &["check", "pkg", "--policy", "dvlint.yaml"],
        root,
        max_time,
    );
    assert_eq!(snapshot(root), before, "{label}: something was written");
    run
}

/// `content` as the environment's `kind` file `envs/<name>`, checked.
fn with_file(root: &Path, kind: EnvFile, name: &str, content: &[u8]) -> Run {
    let path = root.join("envs").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, content).unwrap();
    environment(root, kind, &format!("envs/{name}"));
    check_environment(root, &format!("{kind:?}: {name}"), MAX_SECONDS)
}

#[test]
fn malformed_environment_files_are_errors_at_their_place() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    for kind in EnvFile::BOTH {
        let what = kind.what();
        let invalid = |name: &str| format!("invalid {what} `envs/{name}`");
        // Valid, and with the byte-order mark Windows editors write.
        with_file(root, kind, "valid.json", kind.valid(3).as_bytes()).exit(0);
        let bom = format!("\u{feff}{}", kind.valid(3));
        with_file(root, kind, "bom.json", bom.as_bytes()).exit(0);
        // Not JSON: the place of the first error.
        let malformed = kind.list("\n  {\"a\": 1, }\n");
        with_file(root, kind, "malformed.json", malformed.as_bytes()).fails_with(&[
            &invalid("malformed.json"),
            "envs/malformed.json:2:12: expected a key in quotes; unexpected character `}`",
        ]);
        let unclosed = kind.list("");
        let unclosed = &unclosed[..unclosed.len() - 2];
        with_file(root, kind, "unclosed.json", unclosed.as_bytes()).fails_with(&[
            &invalid("unclosed.json"),
            &format!(
                "envs/unclosed.json:1:{}: expected a value; unexpected end of file",
                unclosed.len() + 1
            ),
        ]);
        with_file(root, kind, "empty.json", b"")
            .fails_with(&["envs/empty.json:1:1: expected a value; unexpected end of file"]);
        // 100 000 `[`: refused at the 65th, never a stack overflow.
        with_file(root, kind, "deep.json", "[".repeat(100_000).as_bytes()).fails_with(&[
            &invalid("deep.json"),
            "envs/deep.json:1:65: nested deeper than 64 levels",
        ]);
        // Not UTF-8: Latin-1 `é` after `{"a": "caf`.
        with_file(root, kind, "latin1.json", b"{\"a\": \"caf\xe9\"}").fails_with(&[
            &invalid("latin1.json"),
            "envs/latin1.json:1:11: the file is not valid utf-8",
        ]);
        // Columns on the first line are the editor's, which hides the BOM.
        let bom = format!("\u{feff}{}", kind.list("3"));
        with_file(root, kind, "bom-error.json", bom.as_bytes()).fails_with(&[&format!(
            "envs/bom-error.json:1:{}: ",
            kind.list("").len() - 1
        )]);
        let bom = b"\xef\xbb\xbf{\"a\": \"caf\xe9\"}";
        with_file(root, kind, "bom-latin1.json", bom)
            .fails_with(&["envs/bom-latin1.json:1:11: the file is not valid utf-8"]);
        // A BOM anywhere but first is not whitespace.
        with_file(root, kind, "late-bom.json", "[\u{feff}]".as_bytes()).fails_with(&[
            "envs/late-bom.json:1:2: expected a value; unexpected character `\u{feff}`",
        ]);
    }

    // Wrong types and duplicates, every one at its place.
    let solutions = "{\"value\": [\n  {\"uniquename\": \"A\", \"version\": \"1.0\", \"ismanaged\": \"yes\"},\n  {\"uniquename\": 3, \"version\": 1.0, \"ismanaged\": true},\n  {\"uniquename\": \"B\", \"version\": \"1.0\", \"ismanaged\": true},\n  {\"uniquename\": \"b\", \"version\": \"2.0\", \"ismanaged\": false}\n], \"value\": []}";
    with_file(root, EnvFile::Solutions, "types.json", solutions.as_bytes()).fails_with(&[
        "envs/types.json:2:54: `ismanaged` must be true or false, not a string",
        "envs/types.json:3:18: `uniquename` must be a string, not a number",
        "envs/types.json:3:32: `version` must be a string, not a number",
        "envs/types.json:5:3: solution `b` is listed twice",
        "envs/types.json:6:4: duplicate key `value`",
    ]);
    let settings = "{\"EnvironmentVariables\": [\n  {\"SchemaName\": \"cts_A\", \"Value\": 3},\n  {\"SchemaName\": \"CTS_a\", \"Value\": \"1\"},\n  {\"SchemaName\": \"cts_B\", \"Value\": \"1\", \"value\": \"2\"}\n],\n\"ConnectionReferences\": {}}";
    with_file(root, EnvFile::Settings, "types.json", settings.as_bytes()).fails_with(&[
        "envs/types.json:2:36: `Value` must be a string, not a number",
        "envs/types.json:3:3: variable `CTS_a` is listed twice",
        "envs/types.json:4:41: duplicate key `value`",
        "envs/types.json:6:25: `ConnectionReferences` must be an array, not an object",
    ]);
    // The Web API pages long listings; dvlint reads one page, so says so.
    let paged = "{\"value\": [], \"@odata.nextLink\": \"https://org/api/data/v9.2/solutions?$skiptoken=x\"}";
    with_file(root, EnvFile::Solutions, "paged.json", paged.as_bytes()).fails_with(&["one page"]);
}

/// A file of `size` bytes that takes no room: reading it would take the time.
fn sparse(path: &Path, size: u64) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::File::create(path).unwrap().set_len(size).unwrap();
}

#[test]
fn environment_files_are_bounded() {
    let _serial = serial();
    let temp = memory_tempdir();
    let root = temp.path();
    for kind in EnvFile::BOTH {
        let what = kind.what();
        let small = with_file(root, kind, "small.json", kind.valid(1).as_bytes());
        small.exit(0);

        // Over the 16 MiB limit: refused by its size, unread.
        sparse(&root.join("envs/huge.json"), 1 << 40);
        environment(root, kind, "envs/huge.json");
        let huge = check_environment(root, &format!("{kind:?}: 1 TiB file"), MAX_SECONDS);
        huge.fails_with(&[&format!(
            "{what} `envs/huge.json` is too large: over 16 MiB (named at {})",
            kind.named_at()
        )]);
        if let (Some(small), Some(huge)) = (small.rss_kb, huge.rss_kb) {
            assert!(huge < small + 8 * 1024, "{kind:?}: {huge} kB: was it read?");
        }

        // 100 000 entries in 10 MB: all read, in bounded time and memory.
        let big = kind.valid(100_000);
        assert!((5 << 20..16 << 20).contains(&big.len()), "{}", big.len());
        std::fs::write(root.join("envs/big.json"), &big).unwrap();
        environment(root, kind, "envs/big.json");
        let label = format!("{kind:?}: 100 000 entries, {} MB", big.len() >> 20);
        check_environment(root, &label, MAX_SECONDS_READING_MEGABYTES).exit(0);

        // The same, each entry wrong: the first problems are listed, the rest counted.
        let wrong = kind.list(&vec!["[]"; 100_000].join(","));
        let run = with_file(root, kind, "wrong.json", wrong.as_bytes());
        run.fails_with(&[
            &format!("invalid {what} `envs/wrong.json`"),
            "must be an object, not an array",
            "more problems",
        ]);
        assert!(run.stderr().lines().count() < 200, "{}", run.stderr().len());

        // As many values as 16 MiB holds: `0,` over and over.
        let zeros = kind.list(&format!("{}0", "0,".repeat((8 << 20) - 64)));
        assert!(zeros.len() < 16 << 20);
        std::fs::write(root.join("envs/zeros.json"), &zeros).unwrap();
        environment(root, kind, "envs/zeros.json");
        let label = format!("{kind:?}: 8 million zeros");
        check_environment(root, &label, MAX_SECONDS_READING_MEGABYTES).fails_with(&[
            &format!("invalid {what} `envs/zeros.json`"),
            "more than 2000000 values and keys; a file dvlint reads holds far fewer",
        ]);
    }
    // A named pipe would block the open until a writer comes.
    #[cfg(unix)]
    for kind in EnvFile::BOTH {
        let pipe = root.join(format!("envs/{}.pipe.json", kind.key()));
        let made = Command::new("mkfifo").arg(&pipe).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("[hostile] skipped: no mkfifo to make a named pipe");
            break;
        }
        environment(root, kind, &format!("envs/{}.pipe.json", kind.key()));
        check_environment(root, &format!("{kind:?}: a named pipe"), MAX_SECONDS).fails_with(&[
            &format!("cannot read {}", kind.what()),
            "not a regular file",
        ]);
    }
}

#[test]
fn missing_environment_files_and_unknown_environments_name_the_policy() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    for kind in EnvFile::BOTH {
        environment(root, kind, "envs/missing.json");
        check_environment(root, &format!("{kind:?}: missing"), MAX_SECONDS).fails_with(&[
            &format!(
                "cannot read {} `envs/missing.json` (named at {})",
                kind.what(),
                kind.named_at()
            ),
            "No such file",
        ]);
    }
    let policy = "environments:\n  test: { version: \"9.2.24012.198\" }\n  prod: { version: \"9.2.24012.198\" }\n";
    std::fs::write(root.join("dvlint.yaml"), policy).unwrap();
    let before = snapshot(root);
    let check = |label: &str, name: &str| {
        let args = [
            "check",
            "pkg",
            "--policy",
            "dvlint.yaml",
            "--environment",
            name,
        ];
        dvlint(label, &args, root)
    };
    check("--environment tets", "tets")
        .fails_with(&["unknown environment `tets`; did you mean `test`?"]);
    check("--environment nope", "nope")
        .fails_with(&["unknown environment `nope`; the policy lists `test`, `prod`"]);
    check("--environment prod", "prod").exit(0);
    std::fs::write(root.join("dvlint.yaml"), "fail-on: error\n").unwrap();
    check("--environment without environments", "test")
        .fails_with(&["unknown environment `test`; the policy lists no `environments`"]);
    std::fs::write(root.join("dvlint.yaml"), policy).unwrap();
    assert_eq!(snapshot(root), before);
}

#[test]
fn a_settings_folder_reads_its_json_files_only() {
    let _serial = serial();
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let deploy = root.join("deploy");
    let settings = EnvFile::Settings.valid(2);
    for (path, content) in [
        ("ContosoCore.json", settings.as_str()),
        ("Other.JSON", settings.as_str()),
        (
            "README.md",
            "# deployment settings, one file per solution\n",
        ),
        ("notes.txt", "{ not json"),
        ("ContosoCore.json.bak", "{ not json"),
        // Sub-folders are not read, whatever they are called.
        ("old/ContosoCore.json", "{ not json"),
        ("folder.json/ContosoCore.json", "{ not json"),
    ] {
        let path = deploy.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    environment(root, EnvFile::Settings, "deploy");
    check_environment(root, "a settings folder", MAX_SECONDS).exit(0);

    std::fs::write(deploy.join("Broken.json"), "{\"EnvironmentVariables\": [}").unwrap();
    check_environment(root, "a broken member", MAX_SECONDS).fails_with(&[
        "invalid deployment settings `deploy/Broken.json`",
        "deploy/Broken.json:1:27: expected a value; unexpected character `}`",
    ]);
    std::fs::remove_file(deploy.join("Broken.json")).unwrap();
    // Two files for one solution.
    std::fs::write(deploy.join("contosocore.json"), &settings).unwrap();
    check_environment(root, "a member twice", MAX_SECONDS)
        .fails_with(&["holds two files for one solution, differing only in case"]);
    std::fs::remove_file(deploy.join("contosocore.json")).unwrap();
    // Each file under the limit, together far over it: refused unread.
    for i in 0..64 {
        sparse(&deploy.join(format!("Solution{i}.json")), 15 << 20);
    }
    let run = check_environment(root, "64 files of 15 MiB", MAX_SECONDS);
    run.fails_with(&["deployment settings folder `deploy`", "16 MiB"]);
}
