//! Levels from the configured curve: level n (from 1) begins at `levels[n-1]`.

/// Where a balance stands on the level curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelProgress {
    pub level: u32,
    /// Points where the next level begins; `None` at the top of the curve.
    pub next_at: Option<i64>,
}

pub fn level_for(balance: i64, curve: &[i64]) -> LevelProgress {
    let reached = curve.iter().take_while(|&&start| balance >= start).count().max(1);
    LevelProgress { level: u32::try_from(reached).unwrap_or(u32::MAX), next_at: curve.get(reached).copied() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_points_on_0_50_100_is_level_two() {
        assert_eq!(level_for(80, &[0, 50, 100]), LevelProgress { level: 2, next_at: Some(100) });
    }

    #[test]
    fn boundaries_and_top_of_curve() {
        assert_eq!(level_for(0, &[0, 50, 100]).level, 1);
        assert_eq!(level_for(50, &[0, 50, 100]).level, 2);
        assert_eq!(level_for(5000, &[0, 50, 100]), LevelProgress { level: 3, next_at: None });
        // Revoked below zero still shows level 1.
        assert_eq!(level_for(-20, &[0, 50, 100]).level, 1);
    }
}
