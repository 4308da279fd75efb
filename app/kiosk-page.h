/* kiosk-page.h: what every page of the window has — the context, a cancellable and a busy
 * state for its requests, two moments the window tells it about (a new dossier, the end of the
 * session), and what "Écouter" reads of it. */
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

  /* Shows whether a request is under way (kiosk_page_set_busy()): a spinner, actions held. */
  void (*show_busy)   (KioskPage    *self,
                       gboolean      busy);

  /* What "Écouter" reads: the page's title and instructions, then the question holding @focus
   * (nullable). Returns a new string, "" for nothing. The default (kiosk-page-describe.c) reads
   * the labels styled as a page's title, step, instructions, banners and references, and a
   * question as a form lays it out; a page may add to it. */
  char *(*describe)   (KioskPage    *self,
                       GtkWidget    *focus);

  gpointer padding[3];
};

KioskContext *kiosk_page_get_context     (KioskPage    *self);
GCancellable *kiosk_page_get_cancellable (KioskPage    *self);
void          kiosk_page_reset           (KioskPage    *self);
void          kiosk_page_set_dossier     (KioskPage    *self,
                                          KioskDossier *dossier);
GCancellable *kiosk_page_begin_request   (KioskPage    *self);
void          kiosk_page_cancel_request  (KioskPage    *self);
void          kiosk_page_set_busy        (KioskPage    *self,
                                          gboolean      busy);
gboolean      kiosk_page_get_busy        (KioskPage    *self);
gpointer      kiosk_page_end_request     (gpointer      page,
                                          const GError *error);

char         *kiosk_page_describe          (KioskPage    *self,
                                            GtkWidget    *focus);
char         *kiosk_page_describe_default  (KioskPage    *self,
                                            GtkWidget    *focus);
GtkWidget    *kiosk_page_find_question     (KioskPage    *self,
                                            GtkWidget    *focus);
char         *kiosk_page_describe_question (KioskPage    *self,
                                            GtkWidget    *question);
char         *kiosk_page_describe_errors   (KioskPage    *self);
char         *kiosk_page_describe_widget   (GtkWidget    *widget);
void          kiosk_page_errors_shown      (KioskPage    *self);

G_END_DECLS
