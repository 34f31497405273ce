//! Public holidays of the countries Vigil's centres work in (Romania, Hungary, Finland,
//! Norway, France), by year, with their names in the country's language: a centre starts its
//! holiday calendar from these and edits it (a holiday moved by law, a day off of its own).
//!
//! Easter is computed, not looked up: the Gregorian (Western) date by the anonymous
//! Gregorian algorithm, the Orthodox one by Meeus's Julian algorithm moved to the Gregorian
//! calendar (valid 1900-2099). Written here rather than taken from a crate: no well-kept Rust
//! crate covers these five countries, and the rules are a few lines each.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The countries with a calendar: ISO 3166 code and the country's name in its language.
pub const COUNTRIES: [(&str, &str); 5] =
    [("RO", "România"), ("HU", "Magyarország"), ("FI", "Suomi"), ("NO", "Norge"), ("FR", "France")];

/// The years a calendar is given for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2099;

/// Easter Sunday in the Gregorian calendar (Catholic and Protestant churches).
pub fn western_easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Orthodox Easter Sunday (Romania), as a Gregorian date; 1900-2099 only.
pub fn orthodox_easter(year: i32) -> Option<NaiveDate> {
    if !YEARS.contains(&year) {
        return None;
    }
    let a = year % 4;
    let b = year % 7;
    let c = year % 19;
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    // Julian to Gregorian: 13 days from 1900 to 2099.
    Some(NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)? + Duration::days(13))
}

/// The public holidays of `country` (a code of [`COUNTRIES`]) in `year`, by date, with
/// their names; `None` for a country or year Vigil has no calendar for.
pub fn public_holidays(country: &str, year: i32) -> Option<Vec<(NaiveDate, &'static str)>> {
    if !YEARS.contains(&year) {
        return None;
    }
    let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    // The first `weekday` on or after month/day (Finland's Saturday holidays).
    let first = |m: u32, d: u32, weekday: Weekday| {
        let start = on(m, d)?;
        let ahead = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
        Some(start + Duration::days(i64::from(ahead)))
    };
    let fixed = |list: &[(u32, u32, &'static str)]| {
        list.iter().map(|(m, d, n)| on(*m, *d).map(|date| (date, *n))).collect::<Option<Vec<_>>>()
    };
    let from = |easter: NaiveDate, list: &[(i64, &'static str)]| {
        list.iter().map(|(days, n)| (easter + Duration::days(*days), *n)).collect::<Vec<_>>()
    };
    let mut days = match country {
        "RO" => {
            let mut d = fixed(&[
                (1, 1, "Anul Nou"),
                (1, 2, "Anul Nou"),
                (1, 6, "Boboteaza"),
                (1, 7, "Sfântul Ioan Botezătorul"),
                (1, 24, "Ziua Unirii Principatelor Române"),
                (5, 1, "Ziua Muncii"),
                (6, 1, "Ziua Copilului"),
                (8, 15, "Adormirea Maicii Domnului"),
                (11, 30, "Sfântul Andrei"),
                (12, 1, "Ziua Națională"),
                (12, 25, "Crăciunul"),
                (12, 26, "Crăciunul"),
            ])?;
            d.extend(from(
                orthodox_easter(year)?,
                &[(-2, "Vinerea Mare"), (0, "Paștele"), (1, "Paștele"), (49, "Rusaliile"), (50, "Rusaliile")],
            ));
            d
        }
        "HU" => {
            let mut d = fixed(&[
                (1, 1, "Újév"),
                (3, 15, "Nemzeti ünnep"),
                (5, 1, "A munka ünnepe"),
                (8, 20, "Államalapítás ünnepe"),
                (10, 23, "Nemzeti ünnep"),
                (11, 1, "Mindenszentek"),
                (12, 25, "Karácsony"),
                (12, 26, "Karácsony"),
            ])?;
            d.extend(from(
                western_easter(year)?,
                &[
                    (-2, "Nagypéntek"),
                    (0, "Húsvétvasárnap"),
                    (1, "Húsvéthétfő"),
                    (49, "Pünkösdvasárnap"),
                    (50, "Pünkösdhétfő"),
                ],
            ));
            d
        }
        "FI" => {
            let mut d = fixed(&[
                (1, 1, "Uudenvuodenpäivä"),
                (1, 6, "Loppiainen"),
                (5, 1, "Vappu"),
                (12, 6, "Itsenäisyyspäivä"),
                (12, 24, "Jouluaatto"),
                (12, 25, "Joulupäivä"),
                (12, 26, "Tapaninpäivä"),
            ])?;
            d.extend(from(
                western_easter(year)?,
                &[
                    (-2, "Pitkäperjantai"),
                    (0, "Pääsiäispäivä"),
                    (1, "Toinen pääsiäispäivä"),
                    (39, "Helatorstai"),
                    (49, "Helluntaipäivä"),
                ],
            ));
            d.push((first(6, 19, Weekday::Fri)?, "Juhannusaatto"));
            d.push((first(6, 20, Weekday::Sat)?, "Juhannuspäivä"));
            d.push((first(10, 31, Weekday::Sat)?, "Pyhäinpäivä"));
            d
        }
        "NO" => {
            let mut d = fixed(&[
                (1, 1, "Første nyttårsdag"),
                (5, 1, "Arbeidernes dag"),
                (5, 17, "Grunnlovsdag"),
                (12, 25, "Første juledag"),
                (12, 26, "Andre juledag"),
            ])?;
            d.extend(from(
                western_easter(year)?,
                &[
                    (-3, "Skjærtorsdag"),
                    (-2, "Langfredag"),
                    (0, "Første påskedag"),
                    (1, "Andre påskedag"),
                    (39, "Kristi himmelfartsdag"),
                    (49, "Første pinsedag"),
                    (50, "Andre pinsedag"),
                ],
            ));
            d
        }
        "FR" => {
            let mut d = fixed(&[
                (1, 1, "Jour de l’an"),
                (5, 1, "Fête du Travail"),
                (5, 8, "Victoire 1945"),
                (7, 14, "Fête nationale"),
                (8, 15, "Assomption"),
                (11, 1, "Toussaint"),
                (11, 11, "Armistice 1918"),
                (12, 25, "Noël"),
            ])?;
            d.extend(from(
                western_easter(year)?,
                &[(1, "Lundi de Pâques"), (39, "Ascension"), (50, "Lundi de Pentecôte")],
            ));
            d
        }
        _ => return None,
    };
    days.sort_by_key(|(date, _)| *date);
    // A date that is two holidays (May 1 on Ascension) is listed once, under its first name.
    days.dedup_by_key(|(date, _)| *date);
    Some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_dates_match_the_churches_tables() {
        for (year, western, orthodox) in [
            (2008, d(2008, 3, 23), d(2008, 4, 27)),
            (2024, d(2024, 3, 31), d(2024, 5, 5)),
            (2025, d(2025, 4, 20), d(2025, 4, 20)),
            (2026, d(2026, 4, 5), d(2026, 4, 12)),
            (2027, d(2027, 3, 28), d(2027, 5, 2)),
            (2038, d(2038, 4, 25), d(2038, 4, 25)),
        ] {
            assert_eq!(western_easter(year), Some(western), "{year}");
            assert_eq!(orthodox_easter(year), Some(orthodox), "{year}");
        }
        assert_eq!(orthodox_easter(2100), None);
    }

    #[test]
    fn each_country_has_its_own_calendar() {
        let ro = public_holidays("RO", 2026).unwrap();
        // 17 holidays, but in 2026 Whit Monday (Rusaliile) falls on Children's Day, June 1.
        assert_eq!(ro.len(), 16);
        assert!(ro.contains(&(d(2026, 5, 31), "Rusaliile")) && ro.contains(&(d(2026, 6, 1), "Ziua Copilului")));
        assert_eq!(public_holidays("RO", 2027).unwrap().len(), 17);
        assert!(ro.contains(&(d(2026, 4, 10), "Vinerea Mare")), "Orthodox Good Friday");
        assert!(ro.contains(&(d(2026, 6, 1), "Ziua Copilului")));
        assert!(ro.contains(&(d(2026, 12, 1), "Ziua Națională")));
        let hu = public_holidays("HU", 2026).unwrap();
        assert!(hu.contains(&(d(2026, 4, 6), "Húsvéthétfő")) && hu.contains(&(d(2026, 10, 23), "Nemzeti ünnep")));
        let fi = public_holidays("FI", 2026).unwrap();
        assert!(fi.contains(&(d(2026, 6, 19), "Juhannusaatto")) && fi.contains(&(d(2026, 6, 20), "Juhannuspäivä")));
        assert!(fi.contains(&(d(2026, 10, 31), "Pyhäinpäivä")));
        let no = public_holidays("NO", 2026).unwrap();
        assert!(
            no.contains(&(d(2026, 5, 14), "Kristi himmelfartsdag")) && no.contains(&(d(2026, 5, 17), "Grunnlovsdag"))
        );
        let fr = public_holidays("FR", 2026).unwrap();
        assert_eq!(fr.len(), 11);
        assert!(fr.contains(&(d(2026, 5, 25), "Lundi de Pentecôte")));
        for (code, _) in COUNTRIES {
            let days = public_holidays(code, 2027).unwrap();
            assert!(days.windows(2).all(|w| w[0].0 < w[1].0), "{code}: sorted, each date once");
        }
        assert_eq!(public_holidays("DE", 2026), None);
        assert_eq!(public_holidays("RO", 2200), None);
    }
}
