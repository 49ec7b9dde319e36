//! The exports a COO passes around: the HTML board pack (rendered in real headless Chromium to
//! PDF and PNG), the Excel-safe CSV, and what every export says its numbers rest on.
//!
//! Expected values are worked out by hand: for `sample_data` from `docs/sample_data.md` (the
//! generator's own figures), for the small fixtures in `tests/data/board_pack/` in the comments.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use super::folder_with;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_coo-dashboard"))
}

fn run(args: &[&str]) -> Output {
    binary().args(args).output().expect("the binary runs")
}

fn assert_success(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn sample_data() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .display()
        .to_string()
}

/// The board pack of `data_dir` with a state file of its own (escalations all open, whatever a
/// developer did on the sample data in the app).
fn pack(data_dir: &str, state: &Path, out: &Path) -> String {
    let output = binary()
        .args(["report", data_dir, "--format", "html", "--out"])
        .arg(out)
        .arg("--state")
        .arg(state)
        .output()
        .expect("the binary runs");
    assert_success(&output);
    assert!(
        output.stdout.is_empty(),
        "with --out nothing goes to stdout"
    );
    std::fs::read_to_string(out).expect("the pack was written")
}

/// Headless Chromium, as SPEC'd for running as root in a container: no sandbox, no GPU, no
/// network features, a profile of its own.
fn chromium(profile: &Path, args: &[String]) -> Output {
    let program = ["/usr/bin/chromium", "chromium"]
        .into_iter()
        .find(|candidate| Path::new(candidate).is_file())
        .unwrap_or("chromium");
    Command::new(program)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!("chromium could not run ({error}); install the Debian package `chromium` (scripts/test.sh does)")
        })
}

fn tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!("{program} could not run ({error}); install the Debian package `poppler-utils` (scripts/test.sh does)")
        });
    assert!(
        output.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn page_count(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[&pdf.display().to_string()]);
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo names no page count: {info}"))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]), "a PNG file");
    let number = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    (number(16), number(20))
}

#[test]
fn the_sample_pack_is_self_contained_and_prints_to_a_few_pages_showing_the_planted_values() {
    let work = tempfile::tempdir().unwrap();
    let html_path = work.path().join("pack.html");
    let html = pack(
        &sample_data(),
        &work.path().join("state.sqlite"),
        &html_path,
    );

    // Nothing is fetched: no scripts, stylesheets, fonts or images from anywhere.
    for forbidden in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "http://", "https://",
    ] {
        assert!(!html.contains(forbidden), "the pack contains {forbidden}");
    }
    assert!(html.contains("<svg"), "charts are inline SVG");

    let pdf = work.path().join("pack.pdf");
    let started = Instant::now();
    let printed = chromium(
        &work.path().join("profile-pdf"),
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
            format!("file://{}", html_path.display()),
        ],
    );
    let render_time = started.elapsed();
    assert!(
        pdf.is_file(),
        "chromium wrote no PDF: {}",
        String::from_utf8_lossy(&printed.stderr)
    );
    // Eight sections, each starting a page (KPIs, finance, delivery, productivity, customers,
    // departments, escalations, basis), and room for a long table to run over: 8 to 12.
    let pages = page_count(&pdf);
    assert!((8..=12).contains(&pages), "{pages} pages");
    eprintln!("board pack: {pages} pages, printed in {render_time:?}");

    let text = tool("pdftotext", &["-layout", &pdf.display().to_string(), "-"]);
    // docs/sample_data.md, company 2026-10: revenue €1,932,339.30, EBITDA €111,145.34,
    // margin 5.8% (so cost to revenue 1 − 0.0575 = 94.2%), utilization 82.2%, on-time 90.3%
    // (28/31), NPS 22.7 (97 responses), CSAT 90.3%, churn 1.5% (2/130).
    for value in [
        "1,932,339",
        "111,145",
        "5.8%",
        "94.2%",
        "82.2%",
        "90.3%",
        "22.7",
        "97 responses",
        "1.5%",
        "of 130 active customers",
        "31 deliverables due",
    ] {
        assert!(text.contains(value), "the PDF lacks {value}");
    }
    // The change against September: NPS 42.7 → 22.7 is −20.0 points.
    assert!(text.contains("−20.0"), "the NPS drop is shown");
    // Planted problems: Consulting margin −9.6%, Data & Analytics on-time 50.0% with its four
    // open deliverables, Cloud Operations at 98.0% utilization.
    for value in [
        "−9.6%",
        "50.0%",
        "PRJ-2026-0538",
        "PRJ-2026-0570",
        "PRJ-2026-0588",
        "PRJ-2026-0597",
        "98.0%",
    ] {
        assert!(text.contains(value), "the PDF lacks {value}");
    }
    // Every section made it onto paper, and what the numbers rest on: one rejected row (the
    // NPS score of 11), the shipped rules, the as-of date.
    for heading in [
        "Company KPIs",
        "EBITDA bridge",
        "Delivery",
        "Productivity",
        "Customers",
        "Departments",
        "Open escalations",
        "What the numbers rest on",
        "shipped defaults",
        "2026-10-31",
        "score 11 is outside 0–10",
    ] {
        assert!(text.contains(heading), "the PDF lacks {heading}");
    }

    let png = work.path().join("pack.png");
    chromium(
        &work.path().join("profile-png"),
        &[
            "--window-size=1200,1800".to_string(),
            format!("--screenshot={}", png.display()),
            format!("file://{}", html_path.display()),
        ],
    );
    let bytes = std::fs::read(&png).expect("chromium wrote a screenshot");
    assert_eq!(png_size(&bytes), (1200, 1800));
    // A blank page compresses to a few kilobytes; cards, charts and tables do not.
    assert!(
        bytes.len() > 50_000,
        "the screenshot is {} bytes",
        bytes.len()
    );
}

/// `tests/data/board_pack/finance_hostile_names.csv`: departments named like markup and like
/// spreadsheet formulas, and one row whose revenue is not a number.
fn hostile_folder() -> tempfile::TempDir {
    folder_with(&["board_pack/finance_hostile_names.csv"])
}

#[test]
fn the_pack_escapes_names_and_comments_and_shows_the_owner_and_latest_comment() {
    let folder = hostile_folder();
    let data_dir = folder.path().display().to_string();
    let state = folder.path().join("state.sqlite");
    let state_arg = state.display().to_string();
    // <b>R&D</b> 2026-10: EBITDA 1000 − 700 − 400 = −100, margin −10.0%: below the shipped
    // critical level 0, so `ebitda_margin:<b>R&D</b>:2026-10:threshold` is raised.
    let escalation_id = "ebitda_margin:<b>R&D</b>:2026-10:threshold";
    for action in [
        vec!["assign", escalation_id, "Ann <ops>"],
        vec!["comment", escalation_id, "first look"],
        vec![
            "comment",
            escalation_id,
            "<img src=x onerror=alert(1)> price & mix",
        ],
    ] {
        let mut args = vec!["escalations", data_dir.as_str()];
        args.extend(action);
        args.extend(["--state", state_arg.as_str()]);
        assert_success(&run(&args));
    }
    let out = folder.path().join("pack.html");
    let html = pack(&data_dir, &state, &out);

    assert!(
        !html.contains("<b>R&D</b>"),
        "a department name is never markup"
    );
    assert!(html.contains("&lt;b&gt;R&amp;D&lt;/b&gt;"));
    assert!(
        html.contains("Ann &lt;ops&gt;"),
        "the owner is shown, escaped"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt; price &amp; mix"),
        "the latest comment is shown, escaped"
    );
    assert!(!html.contains("first look"), "only the latest comment");
    assert!(!html.contains("<img"));
    // Company 2026-10: revenue 1000 + 500 + 200 + 100 + 100 = 1,900; EBITDA 1900 − 880 − 680
    // = 340; margin 340 / 1900 = 17.9%. The department's own margin: −10.0%.
    assert!(html.contains("1,900"));
    assert!(html.contains(">340<"));
    assert!(html.contains("17.9%"));
    assert!(html.contains("−10.0%"));
    // What the numbers rest on: the folder, the as-of date, the rules, one rejected row.
    assert!(html.contains(&data_dir));
    assert!(html.contains("2026-10-31"));
    assert!(html.contains("shipped defaults"));
    assert!(html.contains("1 row rejected"));
}

#[test]
fn an_out_path_in_a_missing_folder_is_one_sentence_and_exit_two() {
    let missing = PathBuf::from("/no/such/folder/pack.html");
    let output = binary()
        .args(["report", &sample_data(), "--format", "html", "--out"])
        .arg(&missing)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(message.trim().lines().count(), 1, "one sentence: {message}");
    assert!(message.contains("/no/such/folder/pack.html"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

/// Parses CSV text into rows of cells.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|record| {
            record
                .expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn csv_neutralises_formula_like_names_keeps_numbers_and_states_its_basis() {
    let folder = hostile_folder();
    let data_dir = folder.path().display().to_string();
    let output = run(&["report", &data_dir, "--format", "csv"]);
    assert_success(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.lines().next(),
        Some("metric,department,month,value,low_confidence,data_folder,as_of,rules,rows_rejected")
    );
    let rows = csv_rows(&text);
    let cell = |metric: &str, department: &str, month: &str| -> String {
        rows.iter()
            .find(|row| row[0] == metric && row[1] == department && row[2] == month)
            .unwrap_or_else(|| panic!("no row {metric} {department} {month}"))[3]
            .clone()
    };
    // Each of the four formula triggers in a department name gets a leading apostrophe.
    assert_eq!(cell("revenue", "'=SUM(A1)", "2026-10"), "500");
    assert_eq!(cell("revenue", "'+cmd", "2026-10"), "200");
    assert_eq!(cell("revenue", "'-minus", "2026-10"), "100");
    assert_eq!(cell("revenue", "'@at", "2026-10"), "100");
    // Negative numbers stay numbers: <b>R&D</b> EBITDA 1000 − 700 − 400 = −100, margin −0.1.
    assert_eq!(cell("ebitda", "<b>R&D</b>", "2026-10"), "-100");
    assert_eq!(cell("ebitda_margin", "<b>R&D</b>", "2026-10"), "-0.1");
    assert!(
        rows.iter().all(|row| ["=", "+", "-", "@", "\t", "\r"]
            .iter()
            .all(|bad| !row[1].starts_with(bad))),
        "no department cell starts with a formula trigger"
    );
    for row in &rows {
        assert_eq!(row[5], data_dir);
        assert_eq!(row[6], "2026-10-31");
        assert_eq!(row[7], "shipped defaults");
        assert_eq!(row[8], "1", "the row whose revenue is 'not a number'");
    }
}

#[test]
fn every_export_names_the_rules_layers_in_force() {
    let folder = hostile_folder();
    std::fs::write(
        folder.path().join("coo-dashboard.toml"),
        "[metrics.nps]\nwarning_below = 25\n",
    )
    .unwrap();
    let extra = folder.path().join("stricter.toml");
    std::fs::write(&extra, "[metrics.churn_rate]\nwarning_above = 0.02\n").unwrap();
    let data_dir = folder.path().display().to_string();
    let layers = format!(
        "shipped defaults + {} + {}",
        folder.path().join("coo-dashboard.toml").display(),
        extra.display()
    );
    let state = folder.path().join("state.sqlite").display().to_string();
    let with = |format: &str| {
        let output = run(&[
            "report",
            &data_dir,
            "--format",
            format,
            "--rules",
            &extra.display().to_string(),
            "--state",
            &state,
        ]);
        assert_success(&output);
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    let memo = with("md");
    assert!(memo.contains(&format!("rules: {layers}")), "{memo}");
    assert!(memo.contains("1 input row(s) rejected"), "{memo}");
    assert!(memo.contains("as of 2026-10-31"), "{memo}");
    let csv = with("csv");
    assert_eq!(csv_rows(&csv)[0][7], layers);
    let html = with("html");
    assert!(html.contains(&layers), "the pack names the layers");
    let json: serde_json::Value = serde_json::from_str(&with("json")).unwrap();
    assert_eq!(json["data_folder"], data_dir.as_str());
    assert_eq!(
        json["rules"],
        serde_json::json!([
            "shipped defaults",
            folder
                .path()
                .join("coo-dashboard.toml")
                .display()
                .to_string(),
            extra.display().to_string()
        ])
    );
}

#[test]
fn the_pack_says_how_each_company_kpi_is_worked_out_and_how_to_list_its_rows() {
    let state = tempfile::tempdir().unwrap();
    let html = pack(
        &sample_data(),
        &state.path().join("state.sqlite"),
        &state.path().join("pack.html"),
    );
    let page = html
        .split("<h3>How the company KPIs are worked out</h3>")
        .nth(1)
        .and_then(|rest| rest.split("<h3>Files read</h3>").next())
        .expect("the workings on the page of what the numbers rest on");
    // docs/sample_data.md, company 2026-10: EBITDA €111,145.34 on revenue €1,932,339.30 from
    // the ledger; NPS 22.7 from 97 answers, 48 promoters and 26 detractors; churn 2 of 130.
    for expected in [
        "<td>EBITDA</td><td>EBITDA 111,145.34 = revenue 1,932,339.30 − cogs ",
        "in finance/gl_postings_2026-07_2026-10.csv</td>",
        "= 100 × (promoters 48 − detractors 26) / 97 answers (passives 23); 97 answers in surveys/nps_export_2025-05_2026-10.csv",
        "Churn rate 1.54% = 2 who ended in 2026-10 / 130 customers",
        "coo-dashboard explain ",
    ] {
        assert!(page.contains(expected), "{expected} is not in {page}");
    }
    assert_eq!(page.matches("<tr><td>").count(), 8, "one row per KPI card");
}
