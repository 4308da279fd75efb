/* kiosk-a11y.c: toggle buttons as screen readers should hear them.
 *
 * GTK 4.8 exposes a GtkToggleButton as a plain push button, with only a "pressed" state: Orca
 * reads "Contraste, bouton" whether contrast is on or off. A group of toggles where one is chosen
 * (themes, languages) is a set of radio buttons; an on/off toggle (large text, contrast) is a
 * switch, which GTK 4.8 shows over AT-SPI as a check box. Both report their state as "checked",
 * which GTK leaves to check buttons and switches: it is kept up to date here. The role is set in the
 * templates (accessible-role) or at construction, the only time GTK 4.8 takes it. */
#include "kiosk-a11y.h"

static void
update_checked (GtkToggleButton *button)
{
  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_CHECKED,
                               gtk_toggle_button_get_active (button) ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                                                     : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               GTK_ACCESSIBLE_STATE_PRESSED, gtk_toggle_button_get_active (button),
                               -1);
}

/**
 * kiosk_a11y_report_checked:
 *
 * Keeps @button's accessible "checked" and "pressed" states equal to its active state.
 */
void
kiosk_a11y_report_checked (GtkToggleButton *button)
{
  update_checked (button);
  g_signal_connect (button, "notify::active", G_CALLBACK (update_checked), NULL);
}

/**
 * kiosk_radio_toggle_new:
 *
 * Returns: (transfer floating): a toggle button that a screen reader hears as a radio button
 *   (one choice of a group: gtk_toggle_button_set_group())
 */
GtkWidget *
kiosk_radio_toggle_new (const char *label)
{
  GtkWidget *button = g_object_new (GTK_TYPE_TOGGLE_BUTTON, "label", label,
                                    "accessible-role", GTK_ACCESSIBLE_ROLE_RADIO, NULL);

  kiosk_a11y_report_checked (GTK_TOGGLE_BUTTON (button));
  return button;
}

/**
 * kiosk_choice_button_new:
 * @radio: one choice of a group (gtk_check_button_set_group()), heard as a radio button
 *
 * GTK 4.8 gives a grouped check button the check box role: Orca said "case à cocher" for each
 * answer of a one-answer question.
 *
 * Returns: (transfer floating): a check button
 */
GtkWidget *
kiosk_choice_button_new (const char *label,
                         gboolean    radio)
{
  return g_object_new (GTK_TYPE_CHECK_BUTTON, "label", label, "accessible-role",
                       radio ? GTK_ACCESSIBLE_ROLE_RADIO : GTK_ACCESSIBLE_ROLE_CHECKBOX, NULL);
}
