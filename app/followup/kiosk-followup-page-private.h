/* kiosk-followup-page-private.h: the follow-up page's fields, shared by its files
 * (kiosk-followup-page.c: finding and showing the dossier; kiosk-followup-page-camera.c: the
 * receipt's QR code read from the camera; kiosk-followup-page-capture.c: the
 * capture of a missing document; kiosk-followup-page-send.c: checking and sending the complement,
 * its receipt). */
#pragma once

#include "kiosk-followup-page.h"
#include "kiosk-window.h"

#include "kiosk-account.h"
#include "kiosk-camera.h"
#include "kiosk-followup.h"

G_BEGIN_DECLS

struct _KioskFollowupPage
{
  KioskPage             parent_instance;

  KioskFollowup        *followup;      /* on the context's portal, made on first use */
  char                 *number;
  char                 *code;          /* nullable: normalized; NULL for the account's dossiers */
  KioskFollowupDossier *dossier;
  KioskProcedure       *procedure;     /* nullable, unowned: the dossier's, from the catalogue */
  KioskComplement      *complement;    /* what is being answered, kept across retries */
  GHashTable           *entries;       /* request id → its input: a GtkEntry (reply), or the
                                        * field's own widget (correction; data "field") */
  KioskDossier         *corrections;   /* nullable: the corrected answers, as the form keeps them */
  GHashTable           *scan_states;   /* request id → the label under its scan button */
  GHashTable           *scans;         /* request id → KioskDocument scanned for it (a card's front) */
  GHashTable           *backs;         /* request id → a card's back, when it has one */
  char                 *scanning;      /* nullable: the request being captured for */
  GtkWidget            *capture;       /* nullable: KioskDocumentsPage, made on first use */
  KioskDossier         *capture_dossier; /* nullable: what it shows while capturing */
  char                 *sent;          /* nullable: the complement's receipt, as printed */
  const char           *state;

  KioskCamera          *camera;        /* nullable: while the receipt's QR code is looked for */
  GCancellable         *camera_cancellable;
  gboolean              decoding;      /* a frame is being read (one at a time) */
  guint                 camera_frames; /* frames handed to the reader since the camera started */

  GtkStack             *outer_stack;   /* "main", or "capture" */
  GtkStack             *stack;
  GtkWidget            *number_entry;
  GtkWidget            *code_entry;
  GtkLabel             *lookup_error;
  GtkLabel             *status_label;
  GtkWidget            *requests_box;
  GtkWidget            *messages_box;
  GtkWidget            *message_entry;
  GtkLabel             *send_error;
  GtkWidget            *send_button;
  GtkLabel             *sent_label;
  GtkWidget            *spinner;
  GtkWidget            *camera_button;
  GtkWidget            *camera_box;
  GtkPicture           *camera_picture;
};

void           kiosk_followup_page_set_state      (KioskFollowupPage *self,
                                                   const char        *state);
void           kiosk_followup_page_render         (KioskFollowupPage *self);
const char    *kiosk_followup_page_get_bearer     (KioskFollowupPage *self);
KioskFollowup *kiosk_followup_page_get_client     (KioskFollowupPage *self);
void           kiosk_followup_page_update_send    (KioskFollowupPage *self);
void           kiosk_followup_page_send           (KioskFollowupPage *self);
void           kiosk_followup_page_class_init_send (GtkWidgetClass   *widget_class);
void           kiosk_followup_page_class_init_capture (GtkWidgetClass *widget_class);
void           kiosk_followup_page_forget_capture (KioskFollowupPage *self);
void           kiosk_followup_page_class_init_camera (GtkWidgetClass *widget_class);
void           kiosk_followup_page_stop_camera    (KioskFollowupPage *self);
void           kiosk_followup_page_show_scan_state (KioskFollowupPage *self,
                                                    const char        *request_id,
                                                    const char        *text,
                                                    gboolean           error);
char          *kiosk_followup_format_date         (const char        *iso,
                                                   gboolean           with_time);
char          *kiosk_followup_read_typed          (const char        *typed);
GtkWidget     *kiosk_followup_page_build_correction (KioskFollowupPage    *self,
                                                     KioskFollowupRequest *request);

G_END_DECLS
