//! Finding sites by what people type: an account, a name, an address, a city, a contact's
//! name or phone. Case and accents do not matter ("lazar" finds "Lazăr", "SOS" finds
//! "Șos."): both sides are folded in Rust, so SQLite and PostgreSQL answer alike without
//! an extension (PostgreSQL's `unaccent` is not always installed). Phones match on their
//! digits from four on ("722 555 003" finds "+40 722-555-003").

use std::collections::HashMap;

use sqlx::Row;
use unicode_normalization::UnicodeNormalization;

use crate::{Store, StoreError};

/// The most hits one page returns.
pub const MAX_SEARCH_PAGE: usize = 100;

/// A site found, with what it was found by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteHit {
    /// Site id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// City.
    pub city: String,
    /// Its accounts.
    pub accounts: Vec<String>,
    /// Its contacts, "name phone".
    pub contacts: Vec<String>,
}

/// One page of hits and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    /// Every match, not only this page's.
    pub total: usize,
    /// This page, by site id.
    pub hits: Vec<SiteHit>,
}

/// Text as search compares it: lower case, accents and other marks removed.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ø' => 'o',
            'đ' => 'd',
            'ł' => 'l',
            'ı' => 'i',
            other => other,
        })
        .collect()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl Store {
    /// Sites matching `query` (every site for an empty one), by id; `offset` and `limit`
    /// (at most [`MAX_SEARCH_PAGE`]) pick the page.
    pub async fn search_sites(&self, query: &str, offset: usize, limit: usize) -> Result<SearchPage, StoreError> {
        let q = fold(query.trim());
        let qd = digits(&q);
        let mut accounts: HashMap<i64, Vec<String>> = HashMap::new();
        for row in sqlx::query("SELECT site_id, number FROM accounts WHERE removed_at IS NULL ORDER BY number")
            .fetch_all(&self.pool)
            .await?
        {
            accounts.entry(row.try_get("site_id")?).or_default().push(row.try_get("number")?);
        }
        let mut contacts: HashMap<i64, Vec<String>> = HashMap::new();
        for row in sqlx::query("SELECT site_id, name, phone FROM contacts ORDER BY site_id, position, id")
            .fetch_all(&self.pool)
            .await?
        {
            let (name, phone): (String, String) = (row.try_get("name")?, row.try_get("phone")?);
            contacts.entry(row.try_get("site_id")?).or_default().push(format!("{name} {phone}"));
        }
        let mut total = 0;
        let mut hits = Vec::new();
        let limit = limit.min(MAX_SEARCH_PAGE);
        for row in sqlx::query("SELECT id, name, address, city FROM sites WHERE archived_at IS NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            let id: i64 = row.try_get("id")?;
            let (name, address, city): (String, String, String) =
                (row.try_get("name")?, row.try_get("address")?, row.try_get("city")?);
            let accs = accounts.remove(&id).unwrap_or_default();
            let people = contacts.remove(&id).unwrap_or_default();
            let hit = q.is_empty()
                || [&name, &address, &city].iter().any(|t| fold(t).contains(&q))
                || accs.iter().any(|a| fold(a).contains(&q))
                || people.iter().any(|p| fold(p).contains(&q) || (qd.len() >= 4 && digits(p).contains(&qd)));
            if !hit {
                continue;
            }
            if total >= offset && hits.len() < limit {
                hits.push(SiteHit { id, name, address, city, accounts: accs, contacts: people });
            }
            total += 1;
        }
        Ok(SearchPage { total, hits })
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Lazăr Ștefan"), "lazar stefan");
        assert_eq!(fold("Șos. Ţiţeica"), "sos. titeica");
        assert_eq!(fold("Győr Ørsta Łódź"), "gyor orsta lodz");
    }
}
