//! Importing alarm accounts from CSV: one site per row with its panel account and up to two
//! contacts. Parsing and checking are plain functions, so the browser can split a file into
//! rows and the server can check each row the same way.

use serde::{Deserialize, Serialize};

/// The expected header, in order.
pub const COLUMNS: [&str; 11] = [
    "account",
    "name",
    "address",
    "city",
    "lat",
    "lon",
    "time_zone",
    "contact1_name",
    "contact1_phone",
    "contact2_name",
    "contact2_phone",
];

/// The invoices export's header, in order (amount in the currency's units, such as 120.50;
/// `paid_on` empty while unpaid).
pub const INVOICE_COLUMNS: [&str; 8] =
    ["account", "number", "issued_on", "due_on", "description", "amount", "currency", "paid_on"];

/// One invoice row, checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceRow {
    /// The site's panel account.
    pub account: String,
    /// Invoice number.
    pub number: String,
    /// Issued (YYYY-MM-DD).
    pub issued_on: String,
    /// Due (YYYY-MM-DD).
    pub due_on: String,
    /// What it is for.
    pub description: String,
    /// Amount in minor units.
    pub amount_cents: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Paid on (YYYY-MM-DD), if paid.
    pub paid_on: Option<String>,
}

/// Checks one invoice row; every problem is named with its column.
pub fn check_invoice_row(fields: &[String]) -> Result<InvoiceRow, Vec<String>> {
    let mut errors = Vec::new();
    let get = |i: usize| fields.get(i).map(|f| f.trim().to_owned()).unwrap_or_default();
    if fields.len() != INVOICE_COLUMNS.len() {
        return Err(vec![format!("{} columns expected, {} found", INVOICE_COLUMNS.len(), fields.len())]);
    }
    let account = get(0);
    if account.is_empty() {
        errors.push("account: required".into());
    }
    let number = get(1);
    if number.is_empty() || number.chars().count() > 40 {
        errors.push("number: 1-40 characters".into());
    }
    let date = |errors: &mut Vec<String>, name: &str, v: String, required: bool| -> Option<String> {
        if v.is_empty() && !required {
            return None;
        }
        match chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(_) => Some(v),
            Err(_) => {
                errors.push(format!("{name}: a date YYYY-MM-DD"));
                None
            }
        }
    };
    let issued_on = date(&mut errors, "issued_on", get(2), true).unwrap_or_default();
    let due_on = date(&mut errors, "due_on", get(3), true).unwrap_or_default();
    let description = get(4);
    if description.is_empty() || description.chars().count() > 200 {
        errors.push("description: 1-200 characters".into());
    }
    let amount_cents = amount_cents(&get(5));
    if amount_cents.is_none() {
        errors.push("amount: a number such as 120.50".into());
    }
    let currency = currency_code(&get(6)).unwrap_or_default();
    if currency.is_empty() {
        errors.push("currency: three letters such as RON or EUR".into());
    }
    let paid_on = date(&mut errors, "paid_on", get(7), false);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(InvoiceRow {
        account,
        number,
        issued_on,
        due_on,
        description,
        amount_cents: amount_cents.unwrap_or_default(),
        currency,
        paid_on,
    })
}

/// A currency code of three letters, upper-cased (`ron` → `RON`); anything else: `None`.
pub fn currency_code(text: &str) -> Option<String> {
    let code = text.trim().to_ascii_uppercase();
    (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

/// `120.50`, `120,5` or `120` as minor units (12050); negative or more than two decimals:
/// `None`.
pub fn amount_cents(text: &str) -> Option<i64> {
    let t = text.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let cents = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(cents)
}

/// One row, checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Panel account number.
    pub account: String,
    /// Site name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// IANA time zone.
    pub time_zone: String,
    /// Contacts in calling order: (name, phone).
    pub contacts: Vec<(String, String)>,
}

/// What came of one row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    /// Line number in the file (1 is the header).
    pub line: usize,
    /// The account, as written.
    pub account: String,
    /// Created site, or `None` with the reasons.
    pub site_id: Option<i64>,
    /// What was wrong, field by field (`lat: not a number`).
    pub errors: Vec<String>,
}

/// Splits one CSV line into fields (double quotes, `""` inside quotes).
pub fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    fields.push(cur);
    fields.into_iter().map(|f| f.trim().to_owned()).collect()
}

/// Checks a line's fields; every problem is reported, not just the first.
pub fn check_row(fields: &[String]) -> Result<ImportRow, Vec<String>> {
    let get = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
    let mut errors = Vec::new();
    if fields.len() < 9 {
        errors.push(format!("expected at least 9 columns ({}), found {}", COLUMNS[..9].join(","), fields.len()));
        return Err(errors);
    }
    let account = get(0).to_ascii_uppercase();
    if !(3..=16).contains(&account.len()) || !account.bytes().all(|b| b.is_ascii_hexdigit()) {
        errors.push("account: 3-16 hex digits".into());
    }
    for (i, what) in [(1, "name"), (2, "address"), (3, "city")] {
        if get(i).is_empty() {
            errors.push(format!("{what}: required"));
        }
    }
    let coord = |i: usize, what: &str, max: f64, errors: &mut Vec<String>| match get(i).parse::<f64>() {
        Ok(v) if v.abs() <= max => v,
        Ok(_) => {
            errors.push(format!("{what}: out of range"));
            0.0
        }
        Err(_) => {
            errors.push(format!("{what}: not a number"));
            0.0
        }
    };
    let lat = coord(4, "lat", 90.0, &mut errors);
    let lon = coord(5, "lon", 180.0, &mut errors);
    if !valid_time_zone(get(6)) {
        errors.push("time_zone: not an IANA zone like Europe/Bucharest".into());
    }
    let mut contacts = Vec::new();
    for (n, (ni, pi)) in [(7, 8), (9, 10)].into_iter().enumerate() {
        let (name, phone) = (get(ni), get(pi));
        match (name.is_empty(), phone.is_empty()) {
            (true, true) if n > 0 => {}
            (false, false) if valid_phone(phone) => contacts.push((name.to_owned(), phone.to_owned())),
            (false, false) => errors.push(format!("contact{}_phone: not a phone number", n + 1)),
            _ => errors.push(format!("contact{}: name and phone are both required", n + 1)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ImportRow {
        account,
        name: get(1).into(),
        address: get(2).into(),
        city: get(3).into(),
        lat,
        lon,
        time_zone: get(6).into(),
        contacts,
    })
}

fn valid_time_zone(tz: &str) -> bool {
    let parts: Vec<&str> = tz.split('/').collect();
    tz == "UTC"
        || (parts.len() >= 2
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))))
}

fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits) && phone.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<String> {
        split_csv(line)
    }

    #[test]
    fn an_invoice_row_is_checked_column_by_column() {
        let ok = check_invoice_row(&fields("2001,F-2026-0042,2026-11-01,2026-11-15,Monitoring November,120.5,ron,"))
            .unwrap();
        assert_eq!((ok.amount_cents, ok.currency.as_str(), ok.paid_on.clone()), (12050, "RON", None));
        let paid = check_invoice_row(&fields("2001,F-1,2026-11-01,2026-11-15,x,\"1200,00\",EUR,2026-11-10")).unwrap();
        assert_eq!((paid.amount_cents, paid.paid_on.as_deref()), (120_000, Some("2026-11-10")));
        let bad = check_invoice_row(&fields(",,1/11/2026,2026-11-15,,-5,euro,never")).unwrap_err();
        for column in ["account", "number", "issued_on", "description", "amount", "currency", "paid_on"] {
            assert!(bad.iter().any(|e| e.starts_with(column)), "{column} in {bad:?}");
        }
        assert_eq!(amount_cents("0.005"), None);
        assert_eq!(check_invoice_row(&fields("a,b")).unwrap_err(), vec!["8 columns expected, 2 found".to_owned()]);
    }

    #[test]
    fn quoted_fields_keep_their_commas_and_quotes() {
        assert_eq!(split_csv(r#"a,"b, c","say ""hi""",d"#), vec!["a", "b, c", r#"say "hi""#, "d"]);
        assert_eq!(split_csv("x,\r\n"), vec!["x", ""]);
    }

    #[test]
    fn a_good_row_becomes_a_site_with_its_contacts() {
        let row = check_row(&fields(
            "a1b2,Depozit,\"Str. Polonă 3\",București,44.45,26.10,Europe/Bucharest,Ana Pop,+40 721 000 001,,",
        ))
        .unwrap();
        assert_eq!(row.account, "A1B2");
        assert_eq!(row.address, "Str. Polonă 3");
        assert_eq!(row.contacts, vec![("Ana Pop".to_owned(), "+40 721 000 001".to_owned())]);
    }

    #[test]
    fn every_problem_of_a_bad_row_is_named() {
        let errors = check_row(&fields("zz,,Addr,City,north,200,Mars,Ana,12,Dan,")).unwrap_err();
        for want in [
            "account",
            "name: required",
            "lat: not a number",
            "lon: out of range",
            "time_zone",
            "contact1_phone",
            "contact2: name and phone",
        ] {
            assert!(errors.iter().any(|e| e.starts_with(want)), "{want} missing from {errors:?}");
        }
        assert!(check_row(&fields("a1b2,x")).unwrap_err()[0].starts_with("expected at least 9 columns"));
    }
}
