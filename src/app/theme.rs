//! Colours and text styles: one place that says what "good", "bad", "warning" and each chart
//! series look like in the light and the dark theme.

use eframe::egui;
use egui::{Color32, FontFamily, FontId, TextStyle, Theme, Visuals};
use serde::{Deserialize, Serialize};

/// The theme the user picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    Light,
    Dark,
}

impl ThemeChoice {
    pub fn egui_theme(self) -> Theme {
        match self {
            ThemeChoice::Light => Theme::Light,
            ThemeChoice::Dark => Theme::Dark,
        }
    }

    pub fn toggled(self) -> ThemeChoice {
        match self {
            ThemeChoice::Light => ThemeChoice::Dark,
            ThemeChoice::Dark => ThemeChoice::Light,
        }
    }
}

/// The app's colours for one theme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub good: Color32,
    pub bad: Color32,
    pub warning: Color32,
    pub watch: Color32,
    pub neutral: Color32,
    pub accent: Color32,
    /// A second series beside the accent one.
    pub secondary: Color32,
    pub revenue: Color32,
    pub cost: Color32,
    pub card_fill: Color32,
    pub card_stroke: Color32,
    pub muted_fill: Color32,
    pub promoters: Color32,
    pub passives: Color32,
    pub detractors: Color32,
}

impl Palette {
    pub fn for_visuals(visuals: &Visuals) -> Palette {
        if visuals.dark_mode {
            Palette {
                good: Color32::from_rgb(76, 187, 122),
                bad: Color32::from_rgb(239, 98, 98),
                warning: Color32::from_rgb(236, 170, 64),
                watch: Color32::from_rgb(120, 160, 230),
                neutral: Color32::from_gray(150),
                accent: Color32::from_rgb(96, 165, 250),
                secondary: Color32::from_rgb(167, 139, 250),
                revenue: Color32::from_rgb(96, 165, 250),
                cost: Color32::from_rgb(239, 120, 110),
                card_fill: Color32::from_rgb(32, 34, 38),
                card_stroke: Color32::from_gray(58),
                muted_fill: Color32::from_rgb(40, 42, 47),
                promoters: Color32::from_rgb(76, 187, 122),
                passives: Color32::from_gray(120),
                detractors: Color32::from_rgb(239, 98, 98),
            }
        } else {
            Palette {
                good: Color32::from_rgb(22, 128, 61),
                bad: Color32::from_rgb(200, 40, 40),
                warning: Color32::from_rgb(196, 120, 0),
                watch: Color32::from_rgb(40, 100, 200),
                neutral: Color32::from_gray(110),
                accent: Color32::from_rgb(37, 99, 235),
                secondary: Color32::from_rgb(124, 58, 237),
                revenue: Color32::from_rgb(37, 99, 235),
                cost: Color32::from_rgb(220, 80, 70),
                card_fill: Color32::WHITE,
                card_stroke: Color32::from_gray(218),
                muted_fill: Color32::from_rgb(243, 244, 246),
                promoters: Color32::from_rgb(34, 160, 90),
                passives: Color32::from_gray(175),
                detractors: Color32::from_rgb(215, 60, 60),
            }
        }
    }

    /// Good news green, bad news red, neither grey.
    pub fn for_improvement(&self, improvement: Option<bool>) -> Color32 {
        match improvement {
            Some(true) => self.good,
            Some(false) => self.bad,
            None => self.neutral,
        }
    }

    /// The colour of a signed value whose direction is news (e.g. a budget variance).
    pub fn for_move(&self, higher_is_better: Option<bool>, change: f64) -> Color32 {
        match higher_is_better {
            _ if change == 0.0 => self.neutral,
            Some(true) if change > 0.0 => self.good,
            Some(false) if change < 0.0 => self.good,
            Some(_) => self.bad,
            None => self.neutral,
        }
    }
}

/// Secondary text (labels, units, comparisons) in the light theme.
const LIGHT_WEAK_TEXT: Color32 = Color32::from_rgb(100, 104, 110);
/// Secondary text in the dark theme.
const DARK_WEAK_TEXT: Color32 = Color32::from_rgb(154, 160, 166);

/// Text styles and spacing on top of egui's defaults: slightly larger body text, roomier
/// buttons, and a calmer light background so white cards stand out.
pub fn apply_style(ctx: &egui::Context) {
    for theme in [Theme::Light, Theme::Dark] {
        ctx.style_mut_of(theme, |style| {
            style.text_styles = [
                (
                    TextStyle::Small,
                    FontId::new(11.0, FontFamily::Proportional),
                ),
                (TextStyle::Body, FontId::new(13.5, FontFamily::Proportional)),
                (
                    TextStyle::Button,
                    FontId::new(13.5, FontFamily::Proportional),
                ),
                (
                    TextStyle::Heading,
                    FontId::new(20.0, FontFamily::Proportional),
                ),
                (
                    TextStyle::Monospace,
                    FontId::new(12.5, FontFamily::Monospace),
                ),
            ]
            .into();
            style.spacing.item_spacing = egui::vec2(8.0, 6.0);
            style.spacing.button_padding = egui::vec2(8.0, 4.0);
            style.spacing.interact_size.y = 24.0;
            if theme == Theme::Light {
                style.visuals.panel_fill = Color32::from_rgb(246, 247, 249);
                style.visuals.window_fill = Color32::WHITE;
                // Text fields and plot backgrounds a shade off the white cards, so they show.
                style.visuals.extreme_bg_color = Color32::from_rgb(243, 244, 246);
                // A light selection, so selected rows and buttons keep readable text.
                style.visuals.selection.bg_fill = Color32::from_rgb(214, 228, 252);
                style.visuals.selection.stroke =
                    egui::Stroke::new(1.0, Color32::from_rgb(30, 64, 175));
                // Secondary text at 5.6:1 on the white cards (egui's faded default is ~3:1;
                // WCAG AA asks 4.5:1).
                style.visuals.weak_text_color = Some(LIGHT_WEAK_TEXT);
            } else {
                style.visuals.panel_fill = Color32::from_rgb(24, 25, 28);
                style.visuals.weak_text_color = Some(DARK_WEAK_TEXT);
            }
        });
    }
}

/// The large number on a card. (Sizes the app adds are constants, not named text styles: a
/// named style missing from a `Ui`'s style makes egui panic.)
pub const VALUE_SIZE: f32 = 26.0;

/// A section title inside a view.
pub const SUBHEADING_SIZE: f32 = 15.5;

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's contrast ratio of two colours: (L₁ + 0.05) / (L₂ + 0.05) of their relative
    /// luminances, the lighter first.
    fn contrast(a: Color32, b: Color32) -> f32 {
        let luminance = |c: Color32| {
            let linear = |v: u8| {
                let v = f32::from(v) / 255.0;
                if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * linear(c.r()) + 0.7152 * linear(c.g()) + 0.0722 * linear(c.b())
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn secondary_text_meets_wcag_aa_on_cards_and_panels_in_both_themes() {
        // Light: #64686E on white is (1.05) / (0.137 + 0.05) = 5.6; dark: #9AA0A6 on the
        // (32, 34, 38) cards is 0.397 / 0.066 = 6.0.
        assert!(contrast(LIGHT_WEAK_TEXT, Color32::WHITE) >= 4.5);
        assert!(contrast(LIGHT_WEAK_TEXT, Color32::from_rgb(246, 247, 249)) >= 4.5);
        assert!(contrast(DARK_WEAK_TEXT, Color32::from_rgb(32, 34, 38)) >= 4.5);
        assert!(contrast(DARK_WEAK_TEXT, Color32::from_rgb(24, 25, 28)) >= 4.5);
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
    }
}
