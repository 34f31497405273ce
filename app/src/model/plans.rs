//! Action plans, code overrides and the centre's public holidays as the admin pages edit
//! them, and their checks (the browser runs them for the messages beside the fields; the
//! server runs them again).

use crate::tx;
use serde::{Deserialize, Serialize};

use super::admin::FieldErrors;

/// The incident categories a plan can be for, with what people call them.
pub const PLAN_CATEGORIES: [(&str, &str); 10] = [
    ("burglary", "Burglary"),
    ("fire", "Fire"),
    ("panic", "Panic"),
    ("duress", "Duress"),
    ("medical", "Medical"),
    ("tamper", "Tamper"),
    ("trouble", "Technical trouble"),
    ("link_failure", "Link failure"),
    ("open_close", "Late opening or closing"),
    ("other", "Other"),
];

/// What a step can be, with what the editor calls it.
pub const STEP_KINDS: [(&str, &str); 8] = [
    ("notify_customer", "Notify the customer"),
    ("call_contacts", "Call the contacts in order"),
    ("verify_password", "Verify the password"),
    ("wait", "Wait for a cancel"),
    ("dispatch", "Dispatch the nearest crew"),
    ("notify_police", "Notify the police"),
    ("notify_fire", "Notify the fire brigade"),
    ("instruction", "Instruction for the operator"),
];

/// Most steps in one plan.
pub const MAX_STEPS: usize = 12;
/// Most characters in an instruction.
pub const MAX_INSTRUCTION: usize = 200;
/// Most overrides on one site.
pub const MAX_OVERRIDES: usize = 50;

/// What people call a category (its stored name if unknown).
pub fn category_label(category: &str) -> &str {
    PLAN_CATEGORIES.iter().find(|(c, _)| *c == category).map_or(category, |(_, l)| l)
}

/// One step as the editor shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLine {
    /// One of [`STEP_KINDS`].
    pub kind: String,
    /// The engine runs it (true) or the operator ticks it off.
    pub auto: bool,
    /// A wait's seconds.
    pub seconds: String,
    /// An instruction's words.
    pub text: String,
}

/// A checked step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckedStep {
    /// A step without parameters (`kind` from [`STEP_KINDS`]).
    Plain {
        /// Its kind.
        kind: String,
        /// Run by the engine.
        auto: bool,
    },
    /// Wait for a cancel (always run by the engine).
    Wait {
        /// Seconds, 1 to 3600.
        seconds: u32,
    },
    /// Something the operator must do (always by hand).
    Instruction {
        /// Its words.
        text: String,
    },
}

/// The plan of one category, as the editor shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    /// One of [`PLAN_CATEGORIES`].
    pub category: String,
    /// Where the shown steps come from: "site" (the site's own), "centre" (the centre's
    /// plan) or "built-in".
    pub source: String,
    /// The steps in order.
    pub steps: Vec<StepLine>,
}

/// Checks a plan's steps: a message per bad field (`step<N>` or `steps`).
pub fn check_plan(category: &str, steps: &[StepLine]) -> Result<Vec<CheckedStep>, FieldErrors> {
    let mut e = FieldErrors::default();
    if !PLAN_CATEGORIES.iter().any(|(c, _)| *c == category) {
        e.add("category", tx!(staff.check.not_category_plan_can));
    }
    if steps.is_empty() {
        e.add("steps", tx!(staff.check.plan_needs_least_one));
    }
    if steps.len() > MAX_STEPS {
        e.add("steps", &tx!(staff.check.max_steps, n = MAX_STEPS));
    }
    let mut out = Vec::with_capacity(steps.len());
    for (n, s) in steps.iter().enumerate() {
        let field = format!("step{n}");
        match s.kind.as_str() {
            "wait" => match s.seconds.trim().parse::<u32>().ok().filter(|s| (1..=3600).contains(s)) {
                Some(seconds) => out.push(CheckedStep::Wait { seconds }),
                None => e.add(&field, tx!(staff.check.wait_1_3600_seconds)),
            },
            "instruction" => {
                let text = s.text.trim();
                if text.is_empty() {
                    e.add(&field, tx!(staff.check.write_what_operator_do));
                } else if text.chars().count() > MAX_INSTRUCTION {
                    e.add(&field, &tx!(staff.check.max_chars, n = MAX_INSTRUCTION));
                } else {
                    out.push(CheckedStep::Instruction { text: text.to_owned() });
                }
            }
            k if STEP_KINDS.iter().any(|(kind, _)| *kind == k) => {
                out.push(CheckedStep::Plain { kind: k.to_owned(), auto: s.auto });
            }
            _ => e.add(&field, tx!(staff.check.choose_what_this_step)),
        }
    }
    if category == "duress"
        && out.iter().any(|s| matches!(s, CheckedStep::Plain { kind, auto: true } if kind == "notify_customer"))
    {
        e.add("steps", tx!(staff.check.duress_alarm_silent_customer));
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

/// A site's override of one code, as the editor shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideLine {
    /// "cid" or "sia".
    pub protocol: String,
    /// The code: three digits (Contact ID) or two letters (SIA).
    pub code: String,
    /// The category to use instead (one of [`PLAN_CATEGORIES`]).
    pub category: String,
    /// The priority to use instead, 0 (highest) to 9.
    pub priority: String,
}

/// A checked override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedOverride {
    /// "cid" or "sia".
    pub protocol: String,
    /// The code, upper-case.
    pub code: String,
    /// Category.
    pub category: String,
    /// Priority.
    pub priority: u8,
}

/// Checks a site's overrides: a message per bad line (`override<N>`).
pub fn check_overrides(lines: &[OverrideLine]) -> Result<Vec<CheckedOverride>, FieldErrors> {
    let mut e = FieldErrors::default();
    if lines.len() > MAX_OVERRIDES {
        e.add("overrides", &tx!(staff.check.max_overrides, n = MAX_OVERRIDES));
    }
    let mut out: Vec<CheckedOverride> = Vec::with_capacity(lines.len());
    for (n, l) in lines.iter().enumerate() {
        let field = format!("override{n}");
        let protocol = l.protocol.trim().to_ascii_lowercase();
        let code = l.code.trim().to_ascii_uppercase();
        let code_ok = match protocol.as_str() {
            "cid" => code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()),
            "sia" => code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()),
            _ => {
                e.add(&field, tx!(staff.check.contact_id_sia));
                continue;
            }
        };
        if !code_ok {
            e.add(
                &field,
                if protocol == "cid" {
                    tx!(staff.check.contact_id_code_three)
                } else {
                    tx!(staff.check.sia_code_two_letters)
                },
            );
            continue;
        }
        if !PLAN_CATEGORIES.iter().any(|(c, _)| *c == l.category) {
            e.add(&field, tx!(staff.check.choose_category));
            continue;
        }
        let Some(priority) = l.priority.trim().parse::<u8>().ok().filter(|p| *p <= 9) else {
            e.add(&field, tx!(staff.check.priority_0_highest_9));
            continue;
        };
        if out.iter().any(|o| o.protocol == protocol && o.code == code) {
            e.add(&field, tx!(staff.check.this_code_overridden_above));
            continue;
        }
        out.push(CheckedOverride { protocol, code, category: l.category.clone(), priority });
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

/// Most public holidays the centre keeps.
pub const MAX_HOLIDAYS: usize = 200;

/// The countries whose public holidays the admin page offers (`rules::holidays::COUNTRIES`).
pub const HOLIDAY_COUNTRIES: [(&str, &str); 5] =
    [("RO", "România"), ("HU", "Magyarország"), ("FI", "Suomi"), ("NO", "Norge"), ("FR", "France")];

/// One public holiday of the centre's calendar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayLine {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What it is ("Ziua Națională").
    pub name: String,
}

/// Checks the centre's holidays: each a date and a name of at most 80 characters, no date
/// twice; answers them by date, or a message per bad line (`holiday<N>`).
pub fn check_holidays(lines: &[HolidayLine]) -> Result<Vec<(chrono::NaiveDate, String)>, FieldErrors> {
    let mut e = FieldErrors::default();
    if lines.len() > MAX_HOLIDAYS {
        e.add("holidays", &tx!(staff.check.max_holidays, n = MAX_HOLIDAYS));
    }
    let mut out: Vec<(chrono::NaiveDate, String)> = Vec::with_capacity(lines.len());
    for (n, l) in lines.iter().enumerate() {
        let field = format!("holiday{n}");
        let name = l.name.trim();
        match chrono::NaiveDate::parse_from_str(l.date.trim(), "%Y-%m-%d") {
            Err(_) => e.add(&field, tx!(staff.check.date_yyyy_mm_dd_2)),
            Ok(_) if name.is_empty() || name.chars().count() > 80 => {
                e.add(&field, tx!(staff.check.name_holiday_80_characters))
            }
            Ok(d) if out.iter().any(|(x, _)| *x == d) => e.add(&field, tx!(staff.check.this_day_listed_already)),
            Ok(d) => out.push((d, name.to_owned())),
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(kind: &str, auto: bool) -> StepLine {
        StepLine { kind: kind.into(), auto, ..Default::default() }
    }

    #[test]
    fn a_plan_is_checked_step_by_step() {
        let wait = StepLine { kind: "wait".into(), seconds: "90".into(), ..Default::default() };
        let said = StepLine { kind: "instruction".into(), text: " Ring the caretaker ".into(), ..Default::default() };
        let ok = check_plan("burglary", &[step("notify_customer", true), wait, said, step("dispatch", true)]).unwrap();
        assert_eq!(ok[1], CheckedStep::Wait { seconds: 90 });
        assert_eq!(ok[2], CheckedStep::Instruction { text: "Ring the caretaker".into() });

        let bad_wait = StepLine { kind: "wait".into(), seconds: "0".into(), ..Default::default() };
        let e = check_plan("burglary", &[bad_wait, step("instruction", false), step("fly", true)]).unwrap_err();
        assert_eq!(e.get("step0").as_deref(), Some("Wait 1 to 3600 seconds."));
        assert_eq!(e.get("step1").as_deref(), Some("Write what the operator must do."));
        assert_eq!(e.get("step2").as_deref(), Some("Choose what this step does."));
        assert!(check_plan("burglary", &[]).unwrap_err().get("steps").is_some());
        assert!(check_plan("restore", &[step("dispatch", true)]).unwrap_err().get("category").is_some());
        assert!(check_plan("burglary", &vec![step("dispatch", true); MAX_STEPS + 1]).is_err());
        let long = StepLine { kind: "instruction".into(), text: "x".repeat(MAX_INSTRUCTION + 1), ..Default::default() };
        assert!(check_plan("fire", &[long]).unwrap_err().get("step0").is_some());
    }

    #[test]
    fn holidays_have_a_date_and_a_name_once() {
        let h = |d: &str, n: &str| HolidayLine { date: d.into(), name: n.into() };
        let ok = check_holidays(&[h("2026-12-25", "Crăciunul"), h("2026-12-01", " Ziua Națională ")]).unwrap();
        assert_eq!(
            ok[0],
            (chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), "Ziua Națională".to_owned()),
            "by date, trimmed"
        );
        let e = check_holidays(&[h("1 Dec", "x"), h("2026-12-01", ""), h("2026-12-25", "a"), h("2026-12-25", "b")])
            .unwrap_err();
        assert_eq!(
            (e.get("holiday0").is_some(), e.get("holiday1").is_some(), e.get("holiday2"), e.get("holiday3").as_deref()),
            (true, true, None, Some("This day is listed already."))
        );
    }

    #[test]
    fn a_duress_plan_never_tells_the_customer_by_itself() {
        let e = check_plan("duress", &[step("dispatch", true), step("notify_customer", true)]).unwrap_err();
        assert!(e.get("steps").unwrap().contains("silent"));
        assert!(
            check_plan("duress", &[step("dispatch", true), step("notify_customer", false)]).is_ok(),
            "an operator may still call"
        );
    }

    #[test]
    fn overrides_name_a_real_code_once() {
        let line = |p: &str, c: &str, cat: &str, pr: &str| OverrideLine {
            protocol: p.into(),
            code: c.into(),
            category: cat.into(),
            priority: pr.into(),
        };
        let ok = check_overrides(&[line("cid", "134", "burglary", "2"), line("SIA", "ba", "fire", "1")]).unwrap();
        assert_eq!(
            ok[1],
            CheckedOverride { protocol: "sia".into(), code: "BA".into(), category: "fire".into(), priority: 1 }
        );
        let e = check_overrides(&[
            line("cid", "13", "burglary", "2"),
            line("sia", "B1", "burglary", "2"),
            line("xml", "130", "burglary", "2"),
            line("cid", "130", "nothing", "2"),
            line("cid", "130", "burglary", "10"),
            line("cid", "134", "burglary", "2"),
            line("cid", "134", "fire", "1"),
        ])
        .unwrap_err();
        for n in 0..5 {
            assert!(e.get(&format!("override{n}")).is_some(), "line {n}: {e:?}");
        }
        assert_eq!(e.get("override5"), None);
        assert_eq!(e.get("override6").as_deref(), Some("This code is overridden above already."));
    }
}
