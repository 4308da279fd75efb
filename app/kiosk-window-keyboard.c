/* kiosk-window-keyboard.c: the window's on-screen keyboard — when it comes up, and scrolling
 * the focused field into sight above it. */
#include "kiosk-window-private.h"

/* Shows the on-screen keyboard when a text field has the focus: on a touch terminal ("auto"),
 * always, or never. */
static void
update_keyboard (KioskWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean text = focus != NULL && (GTK_IS_TEXT (focus) || GTK_IS_TEXT_VIEW (focus));
  gboolean wanted = g_strcmp0 (self->keyboard_mode, "always") == 0
                    || (g_strcmp0 (self->keyboard_mode, "auto") == 0 && self->touch);

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->keyboard)))
    return;
  kiosk_keyboard_set_target (self->keyboard, text ? focus : NULL);
  gtk_revealer_set_reveal_child (self->keyboard_revealer, text && wanted);
}

/* Room kept above the focused field (for its label) and below it, in pixels. */
#define FIELD_MARGIN_ABOVE 56
#define FIELD_MARGIN_BELOW 24

/* Scrolls the page so that the focused field, with its label, is in sight above the on-screen
 * keyboard. GtkViewport follows the focus when it moves, but not when the keyboard slides up
 * afterwards and shrinks the page under the field. */
static void
scroll_focus_into_view (KioskWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *scroller;
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double value, page_size, top, bottom;

  if (focus == NULL || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->keyboard)))
    return;
  scroller = gtk_widget_get_ancestor (focus, GTK_TYPE_SCROLLED_WINDOW);
  if (scroller == NULL || !gtk_widget_compute_bounds (focus, scroller, &bounds))
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  value = gtk_adjustment_get_value (adjustment);
  page_size = gtk_widget_get_height (scroller);
  top = bounds.origin.y - FIELD_MARGIN_ABOVE;
  bottom = bounds.origin.y + bounds.size.height + FIELD_MARGIN_BELOW;
  if (bottom - top > page_size || top < 0)
    gtk_adjustment_set_value (adjustment, value + top);
  else if (bottom > page_size)
    gtk_adjustment_set_value (adjustment, value + bottom - page_size);
}

static void
focus_changed_cb (KioskWindow *self)
{
  update_keyboard (self);
  if (gtk_revealer_get_child_revealed (self->keyboard_revealer))
    scroll_focus_into_view (self);
}

/* Runs on the frames after the keyboard is up: the first once the page has been laid out again in
 * the room left brings the field in sight; the others find nothing to do. */
static gboolean
scroll_focus_tick_cb (GtkWidget     *widget,
                      GdkFrameClock *clock,
                      gpointer       user_data)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  scroll_focus_into_view (self);
  if (--self->scroll_frames > 0)
    return G_SOURCE_CONTINUE;
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
keyboard_revealed_cb (KioskWindow *self)
{
  if (!gtk_revealer_get_child_revealed (self->keyboard_revealer))
    return;
  self->scroll_frames = 3;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_focus_tick_cb, NULL, NULL);
}

static void
keyboard_hide_cb (KioskKeyboard *keyboard,
                  KioskWindow   *self)
{
  gtk_revealer_set_reveal_child (self->keyboard_revealer, FALSE);
}

/**
 * kiosk_window_set_keyboard_mode:
 * @mode: "auto" (shown on a touch terminal when a text field has the focus), "always" or "never"
 */
void
kiosk_window_set_keyboard_mode (KioskWindow *self,
                                const char  *mode)
{
  g_free (self->keyboard_mode);
  self->keyboard_mode = g_strdup (mode);
  update_keyboard (self);
}

/* Called once from the window's init, after its template. */
void
kiosk_window_init_keyboard (KioskWindow *self)
{
  self->keyboard_mode = g_strdup ("auto");
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_changed_cb), NULL);
  g_signal_connect (self->keyboard, "hide-requested", G_CALLBACK (keyboard_hide_cb), self);
  g_signal_connect_swapped (self->keyboard_revealer, "notify::child-revealed",
                            G_CALLBACK (keyboard_revealed_cb), self);
}
