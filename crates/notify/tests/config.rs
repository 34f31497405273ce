//! Configuration: secrets stay out of Debug output; channel names round-trip.

use notify::{Channel, Config, Notifier, PushConfig, SendError, SmsConfig, SmtpConfig};

#[test]
fn debug_output_redacts_every_secret() {
    let push = PushConfig::generate("mailto:ops@example.org");
    let vapid_key = push.vapid_private_key.clone();
    let config = Config {
        smtp: Some(SmtpConfig {
            host: "mail.example.org".into(),
            port: 587,
            tls: true,
            username: Some("vigil".into()),
            password: Some("smtp-pa55word".into()),
            from: "alarms@example.org".into(),
        }),
        sms: Some(SmsConfig {
            url: "https://sms.example.org/send".into(),
            token: Some("sms-t0ken-secret".into()),
            from: "VIGIL".into(),
        }),
        push: Some(push),
    };
    let debug = format!("{config:?} {config:#?}");
    for secret in ["smtp-pa55word", "sms-t0ken-secret", vapid_key.as_str()] {
        assert!(!debug.contains(secret), "{secret} leaked into {debug}");
    }
    for shown in ["mail.example.org", "vigil", "https://sms.example.org/send", "mailto:ops@example.org"] {
        assert!(debug.contains(shown), "{shown} missing from {debug}");
    }
    assert!(debug.contains("<redacted>"));

    let notifier = Notifier::new(config).unwrap();
    assert!(!format!("{notifier:?}").contains("smtp-pa55word"));
    assert!(notifier.is_configured(Channel::Email) && notifier.is_configured(Channel::Push));
}

#[test]
fn a_bad_vapid_key_is_refused_without_echoing_it() {
    let push = PushConfig { vapid_private_key: "c2VjcmV0LWJ1dC1zaG9ydA".into(), ..PushConfig::generate("mailto:a@b") };
    let err = Notifier::new(Config { push: Some(push), ..Config::default() }).unwrap_err();
    assert!(!err.to_string().contains("c2VjcmV0LWJ1dC1zaG9ydA"), "{err}");
}

#[test]
fn channel_names_round_trip() {
    for channel in Channel::ALL {
        assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        assert_eq!(channel.to_string(), channel.as_str());
    }
    assert_eq!(Channel::parse("pager"), None);
    assert_eq!(Channel::parse("Email"), None);
}

#[test]
fn only_retryable_errors_are_retryable() {
    assert!(SendError::Retryable("x".into()).is_retryable());
    assert!(!SendError::Permanent("x".into()).is_retryable());
    assert!(!SendError::NotConfigured(Channel::Sms).is_retryable());
}
