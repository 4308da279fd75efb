/* kiosk-draft-page.c: parking a draft and resuming one.
 *
 * Parking seals the dossier (kiosk-drafts.c) and shows the code big, in two groups, with its QR
 * code; the citizen is told that without the code nobody can read the draft, not even an agent,
 * and that it is kept 7 days. Or they continue at home: "Continue on my phone" hands the answers
 * to the portal as a pre-filled draft and shows the QR code that opens it. The session then ends
 * with "Finish", which wipes the answers: nothing stays on screen or in memory.
 * Resuming takes the code as typed (any case, spaces or dashes, O for 0 and I or L for 1) or as
 * the QR code reader types it, and opens the first page of the procedure with every answer and
 * document back. */
#include "kiosk-draft-page.h"

#include "kiosk-drafts.h"
#include "kiosk-json.h"
#include "kiosk-portal.h"
#include "kiosk-qr.h"

#include <glib/gi18n.h>
#include <string.h>

struct _KioskDraftPage
{
  KioskPage      parent_instance;

  char         *code;
  guint         number;

  GtkStack     *stack;
  GtkSpinner   *park_spinner;
  GtkWidget    *parked_box;
  GtkLabel     *number_label;
  GtkLabel     *code_label;
  GtkPicture   *qr_picture;
  GtkLabel     *park_error;
  GtkWidget    *phone_button;
  GtkWidget    *phone_box;
  GtkPicture   *phone_qr;
  GtkLabel     *phone_error;
  char         *phone_url;
  GtkEditable  *number_entry;
  GtkEditable  *code_entry;
  GtkSpinner   *resume_spinner;
  GtkLabel     *resume_error;
};

G_DEFINE_FINAL_TYPE (KioskDraftPage, kiosk_draft_page, KIOSK_TYPE_PAGE)

static void kiosk_draft_page_reset (KioskPage *page);

static void
show_busy (KioskPage *page,
           gboolean   busy)
{
  KioskDraftPage *self = KIOSK_DRAFT_PAGE (page);

  gtk_spinner_set_spinning (self->park_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->park_spinner), busy);
  gtk_spinner_set_spinning (self->resume_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_spinner), busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "draft.resume", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "draft.phone", !busy);
}

static void
show_error (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_label (label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

static void
forget_code (KioskDraftPage *self)
{
  if (self->code != NULL)
    explicit_bzero (self->code, strlen (self->code));
  g_clear_pointer (&self->code, g_free);
}

static void
park_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint number = 0;
  char *code = kiosk_drafts_park_finish (KIOSK_DRAFTS (object), result, &number, &error);
  KioskDraftPage *self = kiosk_page_end_request (user_data, error);
  g_autofree char *shown = NULL;
  g_autofree char *qr_text = NULL;
  g_autoptr(KioskImage) image = NULL;

  if (self == NULL)
    return;
  if (code == NULL)
    {
      g_warning ("Cannot park a draft: %s", error->message);
      show_error (self->park_error, _("Your draft could not be saved on this terminal. Your answers are still here: you can go on, or ask an agent."));
      return;
    }
  forget_code (self);
  self->code = code;
  self->number = number;
  shown = kiosk_drafts_format_code (code);
  gtk_label_set_label (self->code_label, shown);
  {
    /* TRANSLATORS: the number of a parked draft, typed with its code to resume it */
    g_autofree char *text = g_strdup_printf (_("Draft number %u"), number);

    gtk_label_set_label (self->number_label, text);
  }
  /* The QR code holds the number and the code: the terminal's reader types them back. */
  qr_text = g_strdup_printf ("KIOSK-DRAFT:%u:%s", number, code);
  image = kiosk_qr_render (qr_text, 8, NULL);
  if (image != NULL)
    {
      g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (image);

      gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (texture));
    }
  explicit_bzero (qr_text, strlen (qr_text));
  gtk_widget_set_visible (self->parked_box, TRUE);
  /* The answers are safe in the draft: nothing of them stays in memory. */
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "draft-parked", "");
  gtk_widget_set_visible (self->phone_button, TRUE);
}

static void
prefill_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = kiosk_portal_call_json_finish (KIOSK_PORTAL (object), result, NULL, NULL, &error);
  KioskDraftPage *self = kiosk_page_end_request (user_data, error);
  const char *url;
  g_autoptr(KioskImage) image = NULL;

  if (self == NULL)
    return;
  url = kiosk_json_get_string (data, "url");
  if (url == NULL || (image = kiosk_qr_render (url, 6, NULL)) == NULL)
    {
      if (error != NULL)
        g_message ("Cannot hand the draft to the portal: %s", error->message);
      show_error (self->phone_error, _("The online service does not answer right now. Your draft is kept here under the code above."));
      return;
    }
  {
    g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (image);

    gtk_picture_set_paintable (self->phone_qr, GDK_PAINTABLE (texture));
  }
  g_free (self->phone_url);
  self->phone_url = g_strdup (url);
  gtk_widget_set_visible (self->phone_button, FALSE);
  gtk_widget_set_visible (self->phone_box, TRUE);
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "draft-handed-to-portal", "");
}

/* "Continue on my phone": the answers given so far become a pre-filled draft on the portal
 * (documents are not sent: the citizen adds them there), opened by scanning the QR code. */
static void
draft_phone_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KioskDraftPage *self = KIOSK_DRAFT_PAGE (widget);
  KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
  g_autofree char *body = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (dossier == NULL)
    return;
  show_error (self->phone_error, NULL);
  body = kiosk_dossier_build_prefill_json (dossier);
  escaped = g_uri_escape_string (kiosk_procedure_get_slug (kiosk_dossier_get_procedure (dossier)), NULL, FALSE);
  path = g_strdup_printf ("api/formdefs/%s/prefill", escaped);
  kiosk_portal_call_json_async (kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self))), "POST", path, body, NULL,
                                kiosk_page_begin_request (KIOSK_PAGE (self)), prefill_done_cb, self);
  explicit_bzero (body, strlen (body));
}

/**
 * kiosk_draft_page_park:
 *
 * Seals the current dossier as a draft and shows its code.
 */
void
kiosk_draft_page_park (KioskDraftPage *self)
{
  KioskDossier *dossier = kiosk_session_get_dossier (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));

  kiosk_draft_page_reset (KIOSK_PAGE (self));
  gtk_stack_set_visible_child_name (self->stack, "park");
  if (dossier == NULL)
    return;
  kiosk_drafts_park_async (kiosk_context_get_drafts (kiosk_page_get_context (KIOSK_PAGE (self))), dossier, kiosk_page_begin_request (KIOSK_PAGE (self)),
                           park_done_cb, self);
}

/**
 * kiosk_draft_page_show_resume:
 *
 * Shows the form where the citizen types their code.
 */
void
kiosk_draft_page_show_resume (KioskDraftPage *self)
{
  kiosk_draft_page_reset (KIOSK_PAGE (self));
  gtk_stack_set_visible_child_name (self->stack, "resume");
  gtk_widget_grab_focus (GTK_WIDGET (self->number_entry));
}

static char *
describe_resume_error (const GError *error,
                       guint         number,
                       guint         left)
{
  if (error->domain == KIOSK_DRAFT_ERROR)
    switch (error->code)
      {
      case KIOSK_DRAFT_ERROR_BAD_CODE:
        return g_strdup (_("Type the draft's number, then its code of 8 letters and digits, for example 7K4M 9QXD. Both are on your ticket."));
      case KIOSK_DRAFT_ERROR_NOT_FOUND:
        return g_strdup (_("No draft has this number on this terminal. Check your ticket; a draft is kept 7 days."));
      case KIOSK_DRAFT_ERROR_WRONG_CODE:
        return g_strdup_printf (ngettext ("This code does not open draft number %u. Check it on your ticket: %u more try, then the draft is removed.",
                                          "This code does not open draft number %u. Check it on your ticket: %u more tries, then the draft is removed.",
                                          left), number, left);
      case KIOSK_DRAFT_ERROR_DELETED:
        return g_strdup (_("This was the fifth wrong code: the draft has been removed, so that nobody can keep trying. Please start the procedure again, or ask an agent."));
      case KIOSK_DRAFT_ERROR_TAMPERED:
        return g_strdup (_("This draft is damaged and cannot be read: it has been removed. Please start the procedure again, or ask an agent."));
      case KIOSK_DRAFT_ERROR_TOO_MANY:
        return g_strdup (_("Too many wrong codes have been typed on this terminal. To protect the drafts kept here, no code can be tried for up to an hour. Please come back later, or ask an agent."));
      case KIOSK_DRAFT_ERROR_EXPIRED:
        return g_strdup (_("This draft was kept 7 days and has been removed. Please start the procedure again."));
      default:
        break;
      }
  return g_strdup (_("Your draft cannot be opened right now. Please ask an agent."));
}

static void
resume_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint tries_left = 0;
  g_autoptr(KioskDraft) draft = kiosk_drafts_resume_finish (KIOSK_DRAFTS (object), result, &tries_left, &error);
  KioskDraftPage *self = kiosk_page_end_request (user_data, error);
  KioskDossier *dossier;
  int first;

  if (self == NULL)
    return;
  if (draft == NULL)
    {
      g_autofree char *text = describe_resume_error (error, self->number, tries_left);

      if (g_error_matches (error, KIOSK_DRAFT_ERROR, KIOSK_DRAFT_ERROR_DELETED))
        kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "draft-removed-wrong-codes", "");
      show_error (self->resume_error, text);
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return;
    }
  dossier = kiosk_session_resume_draft (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))), draft);
  if (dossier == NULL)
    {
      show_error (self->resume_error, _("This procedure is no longer offered at the terminal. Please ask an agent."));
      return;
    }
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "draft-resumed", "");
  gtk_editable_set_text (self->code_entry, "");
  gtk_editable_set_text (self->number_entry, "");
  first = kiosk_dossier_next_page (dossier, -1);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.edit-step", "u", (guint) MAX (first, 0));
}

static void
draft_resume_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KioskDraftPage *self = KIOSK_DRAFT_PAGE (widget);

  guint number = 0;
  g_autofree char *ticket_code = NULL;
  const char *code = gtk_editable_get_text (self->code_entry);

  show_error (self->resume_error, NULL);
  /* The QR code reader types "KIOSK-DRAFT:<number>:<code>" into whichever field has the focus. */
  ticket_code = kiosk_drafts_parse_ticket (gtk_editable_get_text (self->number_entry), &number);
  if (ticket_code == NULL)
    ticket_code = kiosk_drafts_parse_ticket (code, &number);
  if (ticket_code != NULL)
    code = ticket_code;
  else
    {
      guint64 value = 0;
      g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (self->number_entry)));

      g_ascii_string_to_unsigned (typed, 10, 1, 9999, &value, NULL);
      number = (guint) value;
    }
  self->number = number;
  kiosk_drafts_resume_async (kiosk_context_get_drafts (kiosk_page_get_context (KIOSK_PAGE (self))), number, code,
                             kiosk_page_begin_request (KIOSK_PAGE (self)), resume_done_cb, self);
}

/* Forgets the code shown and what was typed. */
static void
kiosk_draft_page_reset (KioskPage *page)
{
  KioskDraftPage *self = KIOSK_DRAFT_PAGE (page);

  kiosk_page_cancel_request (page);
  forget_code (self);
  gtk_label_set_label (self->code_label, "");
  gtk_label_set_label (self->number_label, "");
  self->number = 0;
  gtk_picture_set_paintable (self->qr_picture, NULL);
  gtk_widget_set_visible (self->parked_box, FALSE);
  gtk_widget_set_visible (self->phone_button, FALSE);
  gtk_widget_set_visible (self->phone_box, FALSE);
  gtk_picture_set_paintable (self->phone_qr, NULL);
  show_error (self->phone_error, NULL);
  g_clear_pointer (&self->phone_url, g_free);
  gtk_editable_set_text (self->code_entry, "");
  gtk_editable_set_text (self->number_entry, "");
  show_error (self->park_error, NULL);
  show_error (self->resume_error, NULL);
}

/**
 * kiosk_draft_page_get_phone_url:
 *
 * Returns: (nullable): the URL of the pre-filled draft on the portal, once handed over
 */
const char *
kiosk_draft_page_get_phone_url (KioskDraftPage *self)
{
  return self->phone_url;
}

/**
 * kiosk_draft_page_get_code:
 *
 * Returns: (nullable): the code of the draft just parked
 */
const char *
kiosk_draft_page_get_code (KioskDraftPage *self)
{
  return self->code;
}

/**
 * kiosk_draft_page_get_number:
 *
 * Returns: the number of the draft just parked, or 0
 */
guint
kiosk_draft_page_get_number (KioskDraftPage *self)
{
  return self->code != NULL ? self->number : 0;
}

static void
kiosk_draft_page_dispose (GObject *object)
{
  KioskDraftPage *self = KIOSK_DRAFT_PAGE (object);

  forget_code (self);
  g_clear_pointer (&self->phone_url, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_DRAFT_PAGE);
  G_OBJECT_CLASS (kiosk_draft_page_parent_class)->dispose (object);
}

static void
kiosk_draft_page_class_init (KioskDraftPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_draft_page_reset;
  KIOSK_PAGE_CLASS (klass)->show_busy = show_busy;
  object_class->dispose = kiosk_draft_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-draft-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, park_spinner);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, parked_box);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, number_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, code_label);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, park_error);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, phone_button);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, phone_box);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, phone_qr);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, phone_error);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, number_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, resume_spinner);
  gtk_widget_class_bind_template_child (widget_class, KioskDraftPage, resume_error);
  gtk_widget_class_install_action (widget_class, "draft.resume", NULL, draft_resume_cb);
  gtk_widget_class_install_action (widget_class, "draft.phone", NULL, draft_phone_cb);
}

static void
code_activate_cb (GtkEntry       *entry,
                  KioskDraftPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "draft.resume", NULL);
}

static void
kiosk_draft_page_init (KioskDraftPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  kiosk_stack_label_pages (self->stack);
  g_signal_connect (self->code_entry, "activate", G_CALLBACK (code_activate_cb), self);
  g_signal_connect (self->number_entry, "activate", G_CALLBACK (code_activate_cb), self);
}

