/* kiosk-page.h: what every page of the window has — the context, a cancellable for its work,
 * and two moments the window tells it about: a new dossier, and the end of the session. */
#pragma once

#include "kiosk-types.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_PAGE (kiosk_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (KioskPage, kiosk_page, KIOSK, PAGE, AdwBin)

struct _KioskPageClass
{
  AdwBinClass parent_class;

  /* The session ended: forget everything of the citizen (typed text, scans, numbers). The
   * page's cancellable has already been cancelled and replaced when this runs. */
  void (*reset)       (KioskPage    *self);
  /* The dossier the page shows from now on; NULL when there is none. */
  void (*set_dossier) (KioskPage    *self,
                       KioskDossier *dossier);

  /* The page shows one citizen's data that must not wait there for the next person (a
   * check-in's result): the window resets it as soon as another page is shown. */
  gboolean forget_when_left;

  gpointer padding[5];
};

KioskContext *kiosk_page_get_context     (KioskPage    *self);
GCancellable *kiosk_page_get_cancellable (KioskPage    *self);
void          kiosk_page_reset           (KioskPage    *self);
void          kiosk_page_set_dossier     (KioskPage    *self,
                                          KioskDossier *dossier);

G_END_DECLS
