//! A calendar date (`expires: 2026-06-30` on an allow entry) and today's date in
//! UTC. Small enough not to need a date crate: a validated year, month and day, and
//! Howard Hinnant's days-from-civil algorithms to count days from 1970-01-01.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: u64 = 86_400;

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A day of the proleptic Gregorian calendar, ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order gives the derived order.
    year: i64,
    month: u8,
    day: u8,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("expected a date as YYYY-MM-DD, like `2026-06-30`")]
    Format,
    #[error("there is no year 0")]
    YearZero,
    #[error("there is no month {0}")]
    Month(u8),
    #[error("{month} {year} has {days} days")]
    Day {
        month: &'static str,
        year: i64,
        days: u8,
    },
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date, if it is a real one: `Date::new(2026, 2, 30)` is an error.
    pub fn new(year: i64, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        let days = days_in_month(year, month);
        if !(1..=days).contains(&day) {
            return Err(DateError::Day {
                month: MONTH_NAMES[usize::from(month - 1)],
                year,
                days,
            });
        }
        Ok(Date { year, month, day })
    }

    pub fn year(self) -> i64 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Today in UTC, from the system clock. Only commands call this: the engine
    /// and the rules take the date as a parameter.
    pub fn today_utc() -> Date {
        let days = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs() / SECONDS_PER_DAY).unwrap_or(i64::MAX),
            // A clock set before 1970: count back, a part day being the day before.
            Err(error) => {
                let before = error.duration().as_secs().div_ceil(SECONDS_PER_DAY);
                i64::try_from(before).map_or(i64::MIN, |days| -days)
            }
        };
        Date::from_days(days)
    }

    /// The date `days` days after 1970-01-01 (before it, when negative).
    pub fn from_days(days: i64) -> Date {
        // Keep the arithmetic far from overflow: ±2^40 days is ±3 billion years.
        let z = days.clamp(-(1 << 40), 1 << 40) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        // `month` is 1..=12 and `day` 1..=31 by construction.
        Date {
            year,
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Days from 1970-01-01 to this date (negative before it).
    pub fn days(self) -> i64 {
        let year = self.year - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let month = i64::from(self.month);
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day after this one.
    pub fn next(self) -> Date {
        Date::from_days(self.days() + 1)
    }
}

impl FromStr for Date {
    type Err = DateError;

    /// `YYYY-MM-DD` exactly: four, two and two digits.
    fn from_str(text: &str) -> Result<Date, DateError> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, byte)| i == 4 || i == 7 || byte.is_ascii_digit());
        if !shaped {
            return Err(DateError::Format);
        }
        let number = |part: &str| part.parse::<u16>().map_err(|_| DateError::Format);
        let year = number(&text[..4])?;
        if year == 0 {
            return Err(DateError::YearZero);
        }
        let month = u8::try_from(number(&text[5..7])?).map_err(|_| DateError::Format)?;
        let day = u8::try_from(number(&text[8..])?).map_err(|_| DateError::Format)?;
        Date::new(i64::from(year), month, day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn the_epoch_is_day_zero() {
        assert_eq!(date("1970-01-01").days(), 0);
        assert_eq!(Date::from_days(0), date("1970-01-01"));
        assert_eq!(Date::from_days(-1), date("1969-12-31"));
        assert_eq!(date("1969-12-31").days(), -1);
    }

    #[test]
    fn days_count_as_the_calendar_does() {
        // From Python's `datetime.date(2026, 12, 2) - datetime.date(1970, 1, 1)`.
        assert_eq!(date("2026-12-02").days(), 20_789);
        assert_eq!(Date::from_days(20_789), date("2026-12-02"));
        assert_eq!(date("2000-02-29").days(), 11_016);
        assert_eq!(date("2000-02-29").next(), date("2000-03-01"));
        assert_eq!(date("2026-12-31").next(), date("2027-01-01"));
        assert_eq!(date("2026-02-28").next(), date("2026-03-01"));
        assert_eq!(date("2024-02-28").next(), date("2024-02-29"));
    }

    #[test]
    fn every_day_round_trips() {
        // 1600-01-01 to 2400-12-31: both kinds of century year, and many leap days.
        let (first, last) = (date("1600-01-01").days(), date("2400-12-31").days());
        let mut previous: Option<Date> = None;
        for days in first..=last {
            let day = Date::from_days(days);
            assert_eq!(day.days(), days, "{day}");
            assert_eq!(Date::new(day.year, day.month, day.day), Ok(day));
            assert_eq!(day.to_string().parse::<Date>(), Ok(day));
            if let Some(previous) = previous {
                assert!(previous < day, "{previous} < {day}");
            }
            previous = Some(day);
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2000-02-29".parse::<Date>().is_ok());
        assert_eq!(
            "1900-02-29".parse::<Date>(),
            Err(DateError::Day {
                month: "February",
                year: 1900,
                days: 28
            })
        );
        assert_eq!(
            "2026-02-29".parse::<Date>().map_err(|e| e.to_string()),
            Err("February 2026 has 28 days".to_owned())
        );
    }

    #[test]
    fn only_real_dates_written_in_full_parse() {
        for (text, error) in [
            ("2026-02-30", "February 2026 has 28 days"),
            ("2026-04-31", "April 2026 has 30 days"),
            ("2026-01-00", "January 2026 has 31 days"),
            ("2026-13-01", "there is no month 13"),
            ("2026-00-10", "there is no month 0"),
            ("0000-01-01", "there is no year 0"),
        ] {
            assert_eq!(
                text.parse::<Date>().map_err(|e| e.to_string()),
                Err(error.to_owned()),
                "{text}"
            );
        }
        for text in [
            "2026-6-30",
            "2026-06-3",
            "26-06-30",
            "tomorrow",
            "",
            "2026/06/30",
            "2026-06-30T00:00:00",
            " 2026-06-30",
            "+202-06-30",
            "2026-0६-30",
            "20260630",
        ] {
            assert_eq!(text.parse::<Date>(), Err(DateError::Format), "{text:?}");
        }
    }

    #[test]
    fn dates_are_written_as_yyyy_mm_dd() {
        assert_eq!(date("0001-01-01").to_string(), "0001-01-01");
        assert_eq!(date("2999-12-31").to_string(), "2999-12-31");
    }

    #[test]
    fn today_is_a_plausible_date() {
        let today = Date::today_utc();
        assert!(today >= date("2024-01-01"), "{today}");
        assert!(
            Date::today_utc() >= today,
            "the clock does not run backwards"
        );
    }
}
