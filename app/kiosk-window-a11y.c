/* kiosk-window-a11y.c: the window's parts that screen readers and small screens need, kept out
 * of kiosk-window.c. */
#include "kiosk-window-private.h"

#include "kiosk-a11y.h"

/* Called once from the window's init, after its template. */
void
kiosk_window_init_a11y (KioskWindow *self)
{
  /* On/off switches for screen readers: "Contraste, bouton bascule, enfoncé". */
  kiosk_a11y_report_checked (self->contrast_toggle);
  kiosk_a11y_report_checked (self->large_text_toggle);
}
