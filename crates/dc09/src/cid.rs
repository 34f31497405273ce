//! Contact ID data (`#acct|QEEE GG ZZZ`) and its code table.

use crate::event::{AddressKind, Event, EventError, Protocol, Qualifier, UNKNOWN_EVENT};

/// One Contact ID event code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CidCode {
    /// The 3-digit code.
    pub code: u16,
    /// Meaning; for open/close codes, the meaning with qualifier 1 (opening).
    pub meaning: &'static str,
    /// For open/close codes, the meaning with qualifier 3 (closing); `None` otherwise.
    pub closing: Option<&'static str>,
    /// What the `ZZZ` field designates.
    pub address: AddressKind,
}

impl CidCode {
    /// Whether qualifier 1/3 mean opening/closing rather than new/restore.
    pub fn is_open_close(&self) -> bool {
        self.closing.is_some()
    }

    /// The meaning for a qualifier.
    pub fn meaning_for(&self, qualifier: Qualifier) -> &'static str {
        match (qualifier, self.closing) {
            (Qualifier::Restore, Some(closing)) => closing,
            _ => self.meaning,
        }
    }
}

/// Looks a Contact ID code up in [`CID_CODES`].
pub fn cid_code(code: u16) -> Option<&'static CidCode> {
    CID_CODES.iter().find(|c| c.code == code)
}

/// Parses `QEEE GG ZZZ` (spaces optional) into one event.
pub(crate) fn parse(body: &str) -> Result<Event, EventError> {
    let malformed = || EventError::MalformedContactId(body.to_owned());
    let digits: Vec<char> = body.chars().filter(|c| *c != ' ').collect();
    if digits.len() != 9 || !digits.iter().all(char::is_ascii_hexdigit) {
        return Err(malformed());
    }
    let qualifier = Qualifier::from_digit(digits[0]).ok_or(EventError::BadQualifier(digits[0]))?;
    let code: String = digits[1..4].iter().collect();
    let group: String = digits[4..6].iter().collect();
    let zone: String = digits[6..9].iter().collect();
    let entry = code.parse().ok().and_then(cid_code);
    let open_close = entry.is_some_and(CidCode::is_open_close);
    let is_user = entry.is_some_and(|e| e.address == AddressKind::User);
    Ok(Event {
        code,
        protocol: Protocol::ContactId,
        qualifier: Some(qualifier),
        restore: qualifier == Qualifier::Restore && !open_close,
        partition: Some(group),
        user: is_user.then(|| zone.clone()),
        zone: Some(zone),
        text: None,
        modifiers: Vec::new(),
        meaning: entry.map_or(UNKNOWN_EVENT, |e| e.meaning_for(qualifier)),
        known: entry.is_some(),
        raw: body.to_owned(),
    })
}

const fn z(code: u16, meaning: &'static str) -> CidCode {
    CidCode { code, meaning, closing: None, address: AddressKind::Zone }
}

const fn u(code: u16, meaning: &'static str) -> CidCode {
    CidCode { code, meaning, closing: None, address: AddressKind::User }
}

const fn o(code: u16, meaning: &'static str) -> CidCode {
    CidCode { code, meaning, closing: None, address: AddressKind::Other }
}

const fn oc(code: u16, opening: &'static str, closing: &'static str) -> CidCode {
    CidCode { code, meaning: opening, closing: Some(closing), address: AddressKind::User }
}

const fn ocz(code: u16, opening: &'static str, closing: &'static str) -> CidCode {
    CidCode { code, meaning: opening, closing: Some(closing), address: AddressKind::Zone }
}

/// The Contact ID event codes (SIA DC-05), sorted by code.
pub const CID_CODES: &[CidCode] = &[
    z(100, "Medical"),
    z(101, "Personal emergency"),
    z(102, "Fail to report in"),
    z(110, "Fire"),
    z(111, "Smoke"),
    z(112, "Combustion"),
    z(113, "Water flow"),
    z(114, "Heat"),
    z(115, "Pull station"),
    z(116, "Duct"),
    z(117, "Flame"),
    z(118, "Fire near alarm"),
    z(120, "Panic"),
    u(121, "Duress"),
    z(122, "Silent panic"),
    z(123, "Audible panic"),
    u(124, "Duress - access granted"),
    u(125, "Duress - egress granted"),
    z(130, "Burglary"),
    z(131, "Perimeter burglary"),
    z(132, "Interior burglary"),
    z(133, "24-hour burglary (safe)"),
    z(134, "Entry/exit burglary"),
    z(135, "Day/night burglary"),
    z(136, "Outdoor burglary"),
    z(137, "Tamper"),
    z(138, "Burglary near alarm"),
    z(139, "Intrusion verifier"),
    z(140, "General alarm"),
    o(141, "Polling loop open"),
    o(142, "Polling loop short"),
    o(143, "Expansion module failure"),
    z(144, "Sensor tamper"),
    o(145, "Expansion module tamper"),
    z(146, "Silent burglary"),
    z(147, "Sensor supervision failure"),
    z(150, "24-hour non-burglary"),
    z(151, "Gas detected"),
    z(152, "Refrigeration"),
    z(153, "Loss of heat"),
    z(154, "Water leakage"),
    z(155, "Foil break"),
    z(156, "Day trouble"),
    z(157, "Low bottled gas level"),
    z(158, "High temperature"),
    z(159, "Low temperature"),
    z(161, "Loss of air flow"),
    z(162, "Carbon monoxide detected"),
    z(163, "Tank level"),
    z(200, "Fire supervisory"),
    z(201, "Low water pressure"),
    z(202, "Low CO2"),
    z(203, "Gate valve sensor"),
    z(204, "Low water level"),
    z(205, "Pump activated"),
    z(206, "Pump failure"),
    o(300, "System trouble"),
    o(301, "AC power loss"),
    o(302, "Low system battery"),
    o(303, "RAM checksum bad"),
    o(304, "ROM checksum bad"),
    o(305, "System reset"),
    o(306, "Panel programming changed"),
    o(307, "Self-test failure"),
    o(308, "System shutdown"),
    o(309, "Battery test failure"),
    o(310, "Ground fault"),
    o(311, "Battery missing/dead"),
    o(312, "Power supply overcurrent"),
    o(313, "Engineer reset"),
    o(320, "Sounder/relay trouble"),
    o(321, "Bell 1 trouble"),
    o(322, "Bell 2 trouble"),
    o(323, "Alarm relay trouble"),
    o(324, "Trouble relay trouble"),
    o(325, "Reversing relay trouble"),
    o(326, "Notification appliance circuit 3 trouble"),
    o(327, "Notification appliance circuit 4 trouble"),
    o(330, "System peripheral trouble"),
    o(331, "Polling loop open"),
    o(332, "Polling loop short"),
    o(333, "Expansion module failure"),
    o(334, "Repeater failure"),
    o(335, "Local printer out of paper"),
    o(336, "Local printer failure"),
    o(337, "Expansion module DC loss"),
    o(338, "Expansion module low battery"),
    o(339, "Expansion module reset"),
    o(341, "Expansion module tamper"),
    o(342, "Expansion module AC loss"),
    o(343, "Expansion module self-test failure"),
    o(344, "RF receiver jam detected"),
    o(350, "Communication trouble"),
    o(351, "Telco 1 fault"),
    o(352, "Telco 2 fault"),
    o(353, "Long range radio transmitter fault"),
    o(354, "Failure to communicate event"),
    o(355, "Loss of radio supervision"),
    o(356, "Loss of central polling"),
    o(357, "Long range radio VSWR problem"),
    z(370, "Protection loop trouble"),
    z(371, "Protection loop open"),
    z(372, "Protection loop short"),
    z(373, "Fire trouble"),
    z(374, "Exit error alarm (zone)"),
    z(375, "Panic zone trouble"),
    z(376, "Hold-up zone trouble"),
    z(377, "Swinger trouble"),
    z(378, "Cross-zone trouble"),
    z(380, "Sensor trouble"),
    z(381, "Loss of supervision - RF"),
    z(382, "Loss of supervision - RPM"),
    z(383, "Sensor tamper"),
    z(384, "RF transmitter low battery"),
    z(385, "Smoke detector high sensitivity"),
    z(386, "Smoke detector low sensitivity"),
    z(387, "Intrusion detector high sensitivity"),
    z(388, "Intrusion detector low sensitivity"),
    z(389, "Sensor self-test failure"),
    z(391, "Sensor watch trouble"),
    z(392, "Drift compensation error"),
    z(393, "Maintenance alert"),
    oc(400, "Opening (disarm)", "Closing (arm)"),
    oc(401, "Opening (disarm) by user", "Closing (arm) by user"),
    oc(402, "Group opening", "Group closing"),
    oc(403, "Automatic opening", "Automatic closing"),
    oc(404, "Late to open", "Late to close"),
    oc(405, "Deferred opening", "Deferred closing"),
    u(406, "Cancel by user"),
    oc(407, "Remote disarm", "Remote arm"),
    oc(408, "Quick disarm", "Quick arm"),
    ocz(409, "Keyswitch disarm", "Keyswitch arm"),
    o(411, "Callback request made"),
    o(412, "Successful download/access"),
    o(413, "Unsuccessful access"),
    o(414, "System shutdown command received"),
    o(415, "Dialer shutdown command received"),
    o(416, "Successful upload"),
    u(421, "Access denied"),
    u(422, "Access report by user"),
    z(423, "Forced access"),
    u(424, "Egress denied"),
    u(425, "Egress granted"),
    z(426, "Access door propped open"),
    z(427, "Access point door status monitor trouble"),
    z(428, "Access point request-to-exit trouble"),
    u(429, "Access program mode entry"),
    u(430, "Access program mode exit"),
    o(431, "Access threat level change"),
    z(432, "Access relay/trigger failure"),
    z(433, "Access request-to-exit shunt"),
    z(434, "Access door status monitor shunt"),
    oc(441, "Disarmed (stay)", "Armed stay"),
    ocz(442, "Keyswitch disarmed (stay)", "Keyswitch armed stay"),
    oc(450, "Exception opening", "Exception closing"),
    oc(451, "Early opening", "Early closing"),
    oc(452, "Late opening", "Late closing"),
    u(453, "Failed to open"),
    u(454, "Failed to close"),
    o(455, "Auto-arm failed"),
    oc(456, "Disarmed (partial arm)", "Partial arm"),
    u(457, "Exit error by user"),
    u(458, "User on premises"),
    u(459, "Recent closing"),
    u(461, "Wrong code entry"),
    u(462, "Legal code entry"),
    u(463, "Re-arm after alarm"),
    u(464, "Auto-arm time extended"),
    u(465, "Panic alarm reset"),
    u(466, "Service on/off premises"),
    o(501, "Access reader disable"),
    o(520, "Sounder/relay disable"),
    o(521, "Bell 1 disable"),
    o(522, "Bell 2 disable"),
    o(523, "Alarm relay disable"),
    o(524, "Trouble relay disable"),
    o(525, "Reversing relay disable"),
    o(526, "Notification appliance circuit 3 disable"),
    o(527, "Notification appliance circuit 4 disable"),
    o(531, "Module added"),
    o(532, "Module removed"),
    o(551, "Dialer disabled"),
    o(552, "Radio transmitter disabled"),
    o(553, "Remote upload/download disabled"),
    z(570, "Zone/sensor bypass"),
    z(571, "Fire bypass"),
    z(572, "24-hour zone bypass"),
    z(573, "Burglary bypass"),
    o(574, "Group bypass"),
    z(575, "Swinger bypass"),
    z(576, "Access zone shunt"),
    z(577, "Access point bypass"),
    u(601, "Manual trigger test report"),
    o(602, "Periodic test report"),
    o(603, "Periodic RF transmission"),
    u(604, "Fire test"),
    o(605, "Status report to follow"),
    o(606, "Listen-in to follow"),
    u(607, "Walk test mode"),
    o(608, "Periodic test - system trouble present"),
    o(609, "Video transmitter active"),
    z(611, "Point tested OK"),
    z(612, "Point not tested"),
    z(613, "Intrusion zone walk tested"),
    z(614, "Fire zone walk tested"),
    z(615, "Panic zone walk tested"),
    o(616, "Service request"),
    o(621, "Event log reset"),
    o(622, "Event log 50% full"),
    o(623, "Event log 90% full"),
    o(624, "Event log overflow"),
    u(625, "Time/date reset"),
    o(626, "Time/date inaccurate"),
    o(627, "Program mode entry"),
    o(628, "Program mode exit"),
    o(629, "32-hour event log marker"),
    o(630, "Schedule change"),
    o(631, "Exception schedule change"),
    o(632, "Access schedule change"),
    z(641, "Senior watch trouble"),
    u(642, "Latch-key supervision"),
    o(654, "System inactivity"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_and_unique() {
        assert!(CID_CODES.windows(2).all(|w| w[0].code < w[1].code));
        assert!(CID_CODES.len() > 200);
    }

    #[test]
    fn burglary_and_restore() {
        let e = parse("1130 01 005").unwrap();
        assert_eq!((e.code.as_str(), e.qualifier, e.restore, e.known), ("130", Some(Qualifier::New), false, true));
        assert_eq!((e.partition.as_deref(), e.zone.as_deref(), e.user.as_deref()), (Some("01"), Some("005"), None));
        assert_eq!(e.meaning, "Burglary");
        let r = parse("3130 01 005").unwrap();
        assert!(r.restore);
        let s = parse("6130 01 005").unwrap();
        assert_eq!((s.qualifier, s.restore), (Some(Qualifier::Status), false));
    }

    #[test]
    fn open_close_by_user() {
        let open = parse("1401 02 007").unwrap();
        assert_eq!(
            (open.meaning, open.restore, open.user.as_deref()),
            ("Opening (disarm) by user", false, Some("007"))
        );
        let close = parse("3401 02 007").unwrap();
        assert_eq!(
            (close.meaning, close.restore, close.zone.as_deref()),
            ("Closing (arm) by user", false, Some("007"))
        );
        assert_eq!(parse("3441 01 002").unwrap().meaning, "Armed stay");
    }

    #[test]
    fn compact_and_unknown() {
        let spaced = parse("1602 00 000").unwrap();
        let compact = parse("160200000").unwrap();
        assert_eq!(Event { raw: spaced.raw.clone(), ..compact }, spaced);
        let unknown = parse("1999 01 001").unwrap();
        assert_eq!((unknown.known, unknown.meaning), (false, UNKNOWN_EVENT));
    }

    #[test]
    fn errors() {
        assert_eq!(parse("2130 01 005"), Err(EventError::BadQualifier('2')));
        assert!(matches!(parse("1130 01 05"), Err(EventError::MalformedContactId(_))));
        assert!(matches!(parse("1130 01 00X"), Err(EventError::MalformedContactId(_))));
        assert!(matches!(parse(""), Err(EventError::MalformedContactId(_))));
    }
}
