//! Office documents end to end: the text of .docx, .xlsx, .pptx and .odt
//! archives is found, and hostile archives are refused within the limits.

#![allow(clippy::unwrap_used)] // test helpers panic on purpose

use std::io::Write;

use kluis_detect::{ExtractError, Kind, Limits, MediaType, extract_text, scan_bytes, scan_bytes_with, scan_file};

fn archive(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn kinds(bytes: &[u8], media: MediaType) -> Vec<Kind> {
    scan_bytes(bytes, media).unwrap().iter().map(|f| f.kind).collect()
}

#[test]
fn docx_runs_are_joined_and_paragraphs_split() {
    let doc = archive(&[
        ("[Content_Types].xml", "<Types/>"),
        (
            "word/document.xml",
            r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>BSN:</w:t></w:r><w:r><w:t xml:space="preserve"> 1112</w:t></w:r><w:r><w:t>22333</w:t></w:r></w:p><w:p><w:r><w:t>Mevrouw heeft de ziekte van Lyme</w:t></w:r></w:p></w:body></w:document>"#,
        ),
        (
            "word/footer1.xml",
            r#"<w:ftr xmlns:w="w"><w:p><w:r><w:t>IBAN NL91 ABNA 0417 1643 00</w:t></w:r></w:p></w:ftr>"#,
        ),
        ("word/styles.xml", r#"<w:styles xmlns:w="w"><w:t>BSN 123456782</w:t></w:styles>"#),
    ]);
    assert_eq!(MediaType::sniff(&doc, None), MediaType::Docx);
    let text = extract_text(&doc, MediaType::Docx, &Limits::default()).unwrap();
    assert!(text.contains("BSN: 111222333\n"), "{text:?}");
    assert!(!text.contains("123456782"), "styles are not text: {text:?}");
    assert_eq!(kinds(&doc, MediaType::Unknown), [Kind::Bsn, Kind::Health, Kind::Iban]);
}

#[test]
fn xlsx_shared_strings_and_number_cells() {
    let book = archive(&[
        ("xl/workbook.xml", "<workbook/>"),
        ("xl/sharedStrings.xml", r#"<sst><si><t>naam</t></si><si><t>burgerservicenummer</t></si></sst>"#),
        (
            "xl/worksheets/sheet1.xml",
            r#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c><v>111222333</v></c><c><f>SUM(A1)</f><v>4111111111111111</v></c></row></sheetData></worksheet>"#,
        ),
    ]);
    assert_eq!(MediaType::sniff(&book, Some("bin")), MediaType::Xlsx);
    let text = extract_text(&book, MediaType::Xlsx, &Limits::default()).unwrap();
    assert!(!text.contains("SUM"), "{text:?}");
    assert_eq!(kinds(&book, MediaType::Xlsx), [Kind::Bsn, Kind::CreditCard]);
}

#[test]
fn pptx_and_odt() {
    let slides = archive(&[
        ("ppt/presentation.xml", "<p/>"),
        ("ppt/slides/slide2.xml", r#"<p:sld><a:p><a:r><a:t>tweede: strafblad</a:t></a:r></a:p></p:sld>"#),
        ("ppt/slides/slide1.xml", r#"<p:sld><a:p><a:r><a:t>eerste: vingerafdruk</a:t></a:r></a:p></p:sld>"#),
    ]);
    let text = extract_text(&slides, MediaType::Pptx, &Limits::default()).unwrap();
    assert!(text.find("eerste") < text.find("tweede"), "slides in order: {text:?}");
    assert_eq!(kinds(&slides, MediaType::Unknown), [Kind::Biometric, Kind::CriminalRecord]);

    let odt = archive(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        (
            "content.xml",
            r#"<office:document-content><office:body><office:text><text:p>sofinummer<text:s/>111222333</text:p><text:p>lid van de vakbond</text:p></office:text></office:body></office:document-content>"#,
        ),
    ]);
    assert_eq!(MediaType::sniff(&odt, None), MediaType::OpenDocument);
    assert_eq!(kinds(&odt, MediaType::Unknown), [Kind::Bsn, Kind::TradeUnion]);
}

#[test]
fn a_zip_bomb_stops_at_the_cap() {
    let big = "<w:p><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:p>".repeat(200_000);
    let doc = archive(&[("word/document.xml", &big)]);
    assert!(doc.len() < big.len() / 50, "compresses well");
    let limits = Limits { max_decompressed_bytes: 1 << 20, ..Limits::default() };
    let err = scan_bytes_with(&doc, MediaType::Docx, &limits).unwrap_err();
    assert!(matches!(err, ExtractError::TooLarge { what: "the decompressed content", .. }), "{err}");
    // Within the default limits the same file is read.
    assert!(scan_bytes(&doc, MediaType::Docx).unwrap().is_empty());
}

#[test]
fn one_huge_text_node_stops_at_the_event_cap() {
    // A part that is one text node: quick-xml would hold it whole, up to
    // the inflation cap, before the text limit could see it.
    let big = format!(
        "<w:document><w:body><w:p><w:t>BSN 111222333 {}</w:t></w:p></w:body></w:document>",
        "a".repeat(40 << 20)
    );
    let doc = archive(&[("word/document.xml", &big)]);
    assert!(doc.len() < 1 << 20, "compresses well");
    let err = scan_bytes(&doc, MediaType::Docx).unwrap_err();
    assert!(
        matches!(err, ExtractError::TooLarge { what: "one piece of XML text", limit } if limit == 32 << 20),
        "{err}"
    );
    // Below the cap the same text is read.
    let small = big.replacen(&"a".repeat(40 << 20), &"a".repeat(8 << 20), 1);
    assert_eq!(kinds(&archive(&[("word/document.xml", &small)]), MediaType::Docx), vec![Kind::Bsn]);
}

#[test]
fn too_many_entries_and_no_text_are_refused() {
    let names: Vec<String> = (0..50).map(|i| format!("word/header{i}.xml")).collect();
    let entries: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "<w:hdr/>")).collect();
    let doc = archive(&entries);
    let limits = Limits { max_entries: 10, ..Limits::default() };
    let err = scan_bytes_with(&doc, MediaType::Docx, &limits).unwrap_err();
    assert!(matches!(err, ExtractError::TooLarge { .. }), "{err}");

    let empty = archive(&[("other.xml", "<x/>")]);
    assert!(matches!(scan_bytes(&empty, MediaType::Docx), Err(ExtractError::Malformed { .. })));
    assert!(matches!(scan_bytes(b"PK\x03\x04not a zip", MediaType::Docx), Err(ExtractError::Malformed { .. })));
    assert!(matches!(scan_bytes(&empty, MediaType::Unknown), Err(ExtractError::Unsupported(_))));
}

#[test]
fn broken_xml_is_a_damaged_document() {
    let doc = archive(&[("word/document.xml", "<w:p><w:t>BSN 111222333</w:t></w:p><!-- never closed")]);
    assert!(matches!(scan_bytes(&doc, MediaType::Docx), Err(ExtractError::Malformed { .. })));
}

#[test]
fn files_are_recognised_by_content_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("lijst.csv");
    std::fs::write(&csv, "naam;bsn\nJan;111222333\nPiet;123456782\n").unwrap();
    let found = scan_file(&csv).unwrap();
    assert_eq!(found.iter().map(|f| f.kind).collect::<Vec<_>>(), [Kind::Bsn, Kind::Bsn]);
    let eml = dir.path().join("bericht");
    std::fs::write(&eml, "From: a@example.org\nSubject: x\n\nIBAN: NL91ABNA0417164300\n").unwrap();
    assert_eq!(scan_file(&eml).unwrap()[0].kind, Kind::Iban);
    let exe = dir.path().join("tool.txt");
    std::fs::write(&exe, b"\x7fELF\x02\x01\x01\0\0\0").unwrap();
    assert!(matches!(scan_file(&exe), Err(ExtractError::Unsupported(_))));
}

/// A message/rfc822 part inside another, cut short by the outer boundary:
/// mail-parser 0.11.9 trips its own `debug_assert!` on it (found by fuzz
/// target `extract`; the workspace builds mail-parser without debug
/// assertions, as releases do). The scan recovers what the parser kept and
/// still finds the number before the cut.
#[test]
fn a_nested_message_cut_by_the_boundary_is_still_scanned() {
    let mail = concat!(
        "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n",
        "--m\r\nContent-Type: text/plain\r\n\r\nBSN 111222333\r\n",
        "--mContent-Type: message/rfc822\r\n\nContent-Type: message/rfc822\n\r\n\nB--m--\r\n",
    );
    assert_eq!(kinds(mail.as_bytes(), MediaType::Eml), [Kind::Bsn]);
    // The fuzzer's own input (its first byte picks the media type: unknown, sniffed).
    let found = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/regressions/extract/nested-message-cut-by-boundary"
    ))
    .unwrap();
    assert!(scan_bytes(&found[1..], MediaType::Eml).is_ok());
    assert!(scan_bytes(&found[1..], MediaType::Unknown).is_ok());
}
