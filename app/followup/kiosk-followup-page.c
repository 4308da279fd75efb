/* kiosk-followup-page.c: "Suivre ma demande". The citizen finds a dossier with the number and
 * tracking code of the receipt (typed, read by a barcode reader, or from "Mes demandes" when
 * signed in); the page shows its status in plain words, the instructor's open requests first,
 * each with what answers it, then the messages, newest first.
 *
 * Everything of the dossier (its code, its thread, what was scanned or typed) lives in this page
 * only, and goes when the page is left or the session ends. */
#include "kiosk-followup-page-private.h"

#include "kiosk-consent-page.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (KioskFollowupPage, kiosk_followup_page, KIOSK_TYPE_PAGE)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

void
kiosk_followup_page_set_state (KioskFollowupPage *self,
                               const char        *state)
{
  if (g_strcmp0 (self->state, state) == 0)
    return;
  self->state = state;
  if (g_str_equal (state, "lookup") || g_str_equal (state, "dossier") || g_str_equal (state, "sent"))
    gtk_stack_set_visible_child_name (self->stack, state);
  else if (g_str_equal (state, "queued"))
    gtk_stack_set_visible_child_name (self->stack, "sent");
  gtk_widget_set_visible (self->spinner, g_str_equal (state, "loading") || g_str_equal (state, "sending"));
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), gtk_widget_get_visible (self->spinner));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
kiosk_followup_page_get_state (KioskFollowupPage *self)
{
  g_return_val_if_fail (KIOSK_IS_FOLLOWUP_PAGE (self), NULL);
  return self->state;
}

static void
show_lookup_error (KioskFollowupPage *self,
                   const char        *text)
{
  gtk_label_set_label (self->lookup_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->lookup_error), text != NULL);
}

/* Dates */

/* "05/12/2026", local time, from the portal's ISO 8601. */
char *
kiosk_followup_format_date (const char *iso,
                            gboolean    with_time)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup ("");
  /* TRANSLATORS: strftime formats of a date, and of a date with its time */
  return g_date_time_format (local, with_time ? _("%d/%m/%Y at %H:%M") : _("%d/%m/%Y"));
}

/* What each status means for the citizen, and what happens next. */
static void
describe_status (const char  *status_id,
                 const char  *portal_name,
                 const char **name,
                 const char **next)
{
  static const struct
  {
    const char *id;
    const char *name;
    const char *next;
  } statuses[] = {
    { "received", N_("Request received"), N_("Your request has arrived. An agent will study it; you have nothing to do for now.") },
    { "in-progress", N_("Being studied"), N_("An agent is studying your request. You have nothing to do for now.") },
    { "waiting-for-citizen", N_("Waiting for your answer"), N_("The service needs something from you before it can go on: see below what it asks.") },
    { "accepted", N_("Accepted"), N_("Your request is accepted. The service will contact you for what follows.") },
    { "refused", N_("Refused"), N_("Your request is refused. Read the service’s message below; an agent can help you.") },
  };

  *name = portal_name;
  *next = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (statuses[i].id, status_id) == 0)
      {
        *name = _(statuses[i].name);
        *next = _(statuses[i].next);
      }
}

/* Rendering the dossier */

static GtkWidget *
new_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_named_entry (const char *prefix,
                 const char *id,
                 GtkWidget  *label)
{
  g_autofree char *name = g_strdup_printf ("%s-%s", prefix, id);
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_name (entry, name);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  return entry;
}

static GtkWidget *
new_action_button (const char *name,
                   const char *icon,
                   const char *text)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), icon);
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), text);
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_set_name (button, name);
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "kiosk-big");
  return button;
}

static void
entry_changed_cb (GtkEditable       *editable,
                  KioskFollowupPage *self)
{
  GtkWidget *error = g_object_get_data (G_OBJECT (editable), "error-label");

  if (error != NULL)
    gtk_widget_set_visible (error, FALSE);
  kiosk_followup_page_update_send (self);
}

static GtkWidget *
build_request_card (KioskFollowupPage    *self,
                    KioskFollowupRequest *request)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  g_autofree char *name = g_strdup_printf ("followup-request-%s", request->id);
  g_autofree char *asked = kiosk_followup_format_date (request->created, FALSE);
  g_autofree char *heading = NULL;
  GtkWidget *heading_label;

  gtk_widget_set_name (card, name);
  gtk_widget_add_css_class (card, "kiosk-card");
  switch (request->kind)
    {
    case KIOSK_FOLLOWUP_REQUEST_MISSING_DOCUMENT:
      /* TRANSLATORS: %1$s a document's name, %2$s a date */
      heading = g_strdup_printf (_("A document is missing: %1$s (asked on %2$s)"),
                                 request->document_label ? request->document_label : _("see below"), asked);
      break;
    case KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER:
      /* TRANSLATORS: %1$s a question of the form, %2$s a date */
      heading = g_strdup_printf (_("An answer must be corrected: %1$s (asked on %2$s)"),
                                 request->field_label ? request->field_label : request->field, asked);
      break;
    case KIOSK_FOLLOWUP_REQUEST_QUESTION:
    default:
      /* TRANSLATORS: %s a date */
      heading = g_strdup_printf (_("A question for you (asked on %s)"), asked);
      break;
    }
  heading_label = new_label (heading, "kiosk-result-title");
  gtk_box_append (GTK_BOX (card), heading_label);
  if (request->text != NULL && *request->text != '\0')
    gtk_box_append (GTK_BOX (card), new_label (request->text, "kiosk-large"));

  if (request->kind == KIOSK_FOLLOWUP_REQUEST_MISSING_DOCUMENT)
    {
      g_autofree char *button_name = g_strdup_printf ("followup-scan-%s", request->id);
      g_autofree char *state_name = g_strdup_printf ("followup-scan-state-%s", request->id);
      GtkWidget *button = new_action_button (button_name, "scanner-symbolic", _("Scan this document"));
      GtkWidget *state = new_label (NULL, NULL);

      gtk_widget_set_name (state, state_name);
      gtk_widget_set_visible (state, FALSE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "followup.scan");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", request->id);
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_box_append (GTK_BOX (card), button);
      gtk_box_append (GTK_BOX (card), state);
      g_hash_table_insert (self->scan_states, g_strdup (request->id), state);
    }
  else
    {
      gboolean correct = request->kind == KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER;
      GtkWidget *prompt = new_label (correct ? _("Correct my answer:") : _("Reply:"), NULL);
      /* A correction takes the field's own widget and rules, when the form is known here. */
      GtkWidget *entry = correct ? kiosk_followup_page_build_correction (self, request) : NULL;
      g_autofree char *error_name = g_strdup_printf ("followup-error-%s", request->id);
      GtkWidget *error = new_label (NULL, "error");

      if (entry != NULL)
        gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_LABELLED_BY, prompt, NULL, -1);
      else
        {
          entry = new_named_entry (correct ? "followup-correct" : "followup-reply", request->id, prompt);
          g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), self);
        }
      gtk_widget_set_name (error, error_name);
      gtk_widget_set_visible (error, FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (error), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
      g_object_set_data (G_OBJECT (entry), "error-label", error);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_RELATION_ERROR_MESSAGE, error, -1);
      gtk_box_append (GTK_BOX (card), prompt);
      gtk_box_append (GTK_BOX (card), entry);
      gtk_box_append (GTK_BOX (card), error);
      g_hash_table_insert (self->entries, g_strdup (request->id), entry);
    }
  return card;
}

static GtkWidget *
build_message_card (KioskFollowupMessage *message,
                    guint                 index)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *name = g_strdup_printf ("followup-message-%u", index);
  g_autofree char *when = kiosk_followup_format_date (message->time, TRUE);
  /* TRANSLATORS: %s a date and time */
  g_autofree char *heading = g_strdup_printf (message->from_citizen ? _("You wrote, on %s") : _("The service wrote, on %s"),
                                              when);
  GtkWidget *text;

  gtk_widget_set_name (card, name);
  gtk_widget_add_css_class (card, "kiosk-card");
  gtk_box_append (GTK_BOX (card), new_label (heading, "kiosk-result-title"));
  text = new_label (message->text, "kiosk-large");
  gtk_widget_set_name (text, "followup-message-text");
  gtk_widget_set_visible (text, message->text != NULL && *message->text != '\0');
  gtk_box_append (GTK_BOX (card), text);
  for (guint i = 0; message->attachments != NULL && i < message->attachments->len; i++)
    {
      KioskFollowupAttachment *attachment = g_ptr_array_index (message->attachments, i);
      g_autofree char *size = g_format_size (attachment->size);
      /* TRANSLATORS: %1$s a file name, %2$s its size */
      g_autofree char *line = g_strdup_printf (_("Document: %1$s (%2$s)"), attachment->filename, size);

      gtk_box_append (GTK_BOX (card), new_label (line, NULL));
    }
  return card;
}

void
kiosk_followup_page_render (KioskFollowupPage *self)
{
  KioskFollowupDossier *dossier = self->dossier;
  const char *name;
  const char *next;
  g_autofree char *since = NULL;
  g_autofree char *status = NULL;
  guint shown = 0;

  kiosk_widget_remove_all (self->requests_box);
  kiosk_widget_remove_all (self->messages_box);
  g_hash_table_remove_all (self->entries);
  g_hash_table_remove_all (self->scan_states);
  gtk_widget_set_visible (GTK_WIDGET (self->send_error), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->message_entry), "");
  g_clear_object (&self->complement);
  g_clear_object (&self->corrections);
  if (dossier == NULL)
    return;
  self->complement = kiosk_complement_new (dossier->number);
  self->procedure = dossier->slug ? kiosk_catalogue_lookup (kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self))),
                                                            dossier->slug) : NULL;
  if (self->procedure != NULL)
    self->corrections = kiosk_dossier_new (self->procedure);

  describe_status (dossier->status_id, dossier->status_name, &name, &next);
  since = kiosk_followup_format_date (dossier->status_since ? dossier->status_since : dossier->receipt_time, FALSE);
  /* TRANSLATORS: %1$s a procedure, %2$s a dossier number, %3$s a status ("Being studied"),
   * %4$s a date, %5$s one sentence on what happens next */
  status = g_strdup_printf (_("%1$s\nNo. %2$s\n%3$s since %4$s\n%5$s"),
                            dossier->title ? dossier->title : dossier->slug, dossier->number,
                            name ? name : "", since, next ? next : "");
  gtk_label_set_label (self->status_label, status);

  /* The open requests first: what the citizen came for. */
  for (guint i = 0; dossier->requests != NULL && i < dossier->requests->len; i++)
    {
      KioskFollowupRequest *request = g_ptr_array_index (dossier->requests, i);

      if (!request->open)
        continue;
      gtk_box_append (GTK_BOX (self->requests_box), build_request_card (self, request));
      shown++;
    }
  gtk_widget_set_visible (self->requests_box, shown > 0);

  for (guint i = 0; dossier->messages != NULL && i < dossier->messages->len; i++)
    gtk_box_append (GTK_BOX (self->messages_box), build_message_card (g_ptr_array_index (dossier->messages, i), i));
  if (dossier->messages == NULL || dossier->messages->len == 0)
    gtk_box_append (GTK_BOX (self->messages_box), new_label (_("No message yet."), NULL));
  kiosk_followup_page_update_send (self);
}

/* Finding the dossier */

/* In an assisted session, the citizen first agrees that the agent helps complete this dossier,
 * and only this one (the consent page comes back here). Takes @dossier when it asks. */
static gboolean
ask_consent (KioskFollowupPage    *self,
             KioskFollowupDossier *dossier)
{
  KioskSession *session = kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)));
  g_autofree char *scope = kiosk_consent_followup_scope (dossier->number);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *consent;

  if (kiosk_session_get_assisting (session) == NULL || kiosk_session_has_consent (session, scope)
      || !KIOSK_IS_WINDOW (root))
    return FALSE;
  consent = kiosk_window_get_page (KIOSK_WINDOW (root), KIOSK_PAGE_CONSENT);
  kiosk_consent_page_ask_followup (KIOSK_CONSENT_PAGE (consent), dossier->number, self->code, dossier->title);
  kiosk_followup_dossier_free (dossier);
  /* Leaving the page forgets the code here; the consent page holds it until it comes back. */
  kiosk_followup_page_set_state (self, "consent");
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", KIOSK_PAGE_CONSENT);
  return TRUE;
}

static void
details_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KioskFollowupDossier *dossier = kiosk_followup_fetch_details_finish (KIOSK_FOLLOWUP (object), result, &error);
  KioskFollowupPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_FOLLOWUP_PAGE (user_data);
  kiosk_page_set_busy (KIOSK_PAGE (self), FALSE);
  if (dossier == NULL)
    {
      g_message ("Follow-up: %s", error->message);
      if (g_error_matches (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_NOT_FOUND))
        show_lookup_error (self, _("No request has this number and this code. Check both on your receipt."));
      else if (g_error_matches (error, KIOSK_FOLLOWUP_ERROR, KIOSK_FOLLOWUP_ERROR_TOO_MANY_ATTEMPTS))
        show_lookup_error (self, _("Too many wrong codes were typed. Please try again in a few minutes, or ask an agent."));
      else
        show_lookup_error (self, _("Your request cannot be shown right now: the portal does not answer. Please try again in a moment."));
      g_clear_pointer (&self->number, g_free);
      g_clear_pointer (&self->code, g_free);
      kiosk_followup_page_set_state (self, "lookup");
      return;
    }
  if (ask_consent (self, dossier))
    return;
  g_clear_pointer (&self->dossier, kiosk_followup_dossier_free);
  self->dossier = dossier;
  kiosk_followup_page_render (self);
  kiosk_followup_page_set_state (self, "dossier");
}

const char *
kiosk_followup_page_get_bearer (KioskFollowupPage *self)
{
  const KioskAccount *account;

  if (self->code != NULL)
    return NULL;
  account = kiosk_session_get_account (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
  return account ? account->token : NULL;
}

KioskFollowup *
kiosk_followup_page_get_client (KioskFollowupPage *self)
{
  KioskPortal *portal = kiosk_context_get_portal (kiosk_page_get_context (KIOSK_PAGE (self)));

  if (self->followup == NULL && portal != NULL)
    self->followup = kiosk_followup_new (portal);
  return self->followup;
}

static void
load (KioskFollowupPage *self)
{
  KioskFollowup *followup = kiosk_followup_page_get_client (self);

  show_lookup_error (self, NULL);
  if (followup == NULL)
    {
      show_lookup_error (self, _("Your request cannot be shown right now: the portal does not answer. Please try again in a moment."));
      return;
    }
  kiosk_followup_page_set_state (self, "loading");
  kiosk_followup_fetch_details_async (followup, self->number, self->code, kiosk_followup_page_get_bearer (self),
                                      kiosk_page_begin_request (KIOSK_PAGE (self)), details_done_cb, self);
}

/**
 * kiosk_followup_page_open:
 * @code: (nullable): the tracking code, or %NULL for a dossier of the signed-in account
 */
void
kiosk_followup_page_open (KioskFollowupPage *self,
                          const char        *number,
                          const char        *code)
{
  g_return_if_fail (KIOSK_IS_FOLLOWUP_PAGE (self));
  kiosk_page_reset (KIOSK_PAGE (self));
  self->number = g_strdup (number);
  self->code = code ? kiosk_tracking_code_normalize (code) : NULL;
  load (self);
}

/**
 * kiosk_followup_page_open_url:
 * @url: what a receipt's QR code holds
 *
 * Returns: %TRUE when @url is a receipt's, and the dossier is being read
 */
gboolean
kiosk_followup_page_open_url (KioskFollowupPage *self,
                              const char        *url)
{
  g_autofree char *number = NULL;
  g_autofree char *code = NULL;

  if (!kiosk_tracking_url_parse (url, &number, &code))
    return FALSE;
  kiosk_followup_page_open (self, number, code);
  return TRUE;
}

/* A barcode reader set for QWERTY on this AZERTY terminal types the digit row unshifted
 * ("&é\"'(-è_çà" for "1234567890"): read those as digits, as at check-in. The dash is left as
 * it is: it separates the groups of a number and of a code. */
char *
kiosk_followup_read_typed (const char *typed)
{
  static const char *const azerty[] = { "à", "&", "é", "\"", "'", "(", NULL, "è", "_", "ç" };
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = typed; p != NULL && *p != '\0';)
    {
      gboolean matched = FALSE;

      for (guint d = 0; d < G_N_ELEMENTS (azerty) && !matched; d++)
        if (azerty[d] != NULL && g_str_has_prefix (p, azerty[d]))
          {
            g_string_append_c (out, '0' + d);
            p += strlen (azerty[d]);
            matched = TRUE;
          }
      if (matched)
        continue;
      if (!g_ascii_isspace (*p))
        g_string_append_c (out, g_ascii_toupper (*p));
      p++;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
find_clicked_cb (KioskFollowupPage *self)
{
  const char *typed_number = gtk_editable_get_text (GTK_EDITABLE (self->number_entry));
  g_autofree char *number = NULL;
  g_autofree char *code = NULL;

  if (g_str_has_prefix (typed_number, "http") && kiosk_followup_page_open_url (self, typed_number))
    return;
  number = kiosk_followup_read_typed (typed_number);
  code = kiosk_followup_read_typed (gtk_editable_get_text (GTK_EDITABLE (self->code_entry)));
  if (*number == '\0')
    {
      show_lookup_error (self, _("Type the dossier number printed on your receipt, for example DS-2026-000123."));
      gtk_widget_grab_focus (self->number_entry);
      return;
    }
  g_free (self->number);
  self->number = g_steal_pointer (&number);
  g_free (self->code);
  self->code = kiosk_tracking_code_normalize (code);
  if (self->code == NULL)
    {
      show_lookup_error (self, _("The tracking code has 12 letters and digits, printed on your receipt, for example 7K2M-9QXD-4F2A."));
      gtk_widget_grab_focus (self->code_entry);
      return;
    }
  load (self);
}

/* A barcode reader types the receipt's QR code (its address) into the number field and presses
 * Enter: that alone finds the dossier. */
static void
number_activate_cb (KioskFollowupPage *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->number_entry));

  if (g_str_has_prefix (typed, "http") && kiosk_followup_page_open_url (self, typed))
    return;
  gtk_widget_grab_focus (self->code_entry);
}

static void
reload_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (widget);

  if (self->number != NULL)
    load (self);
}

/**
 * kiosk_followup_show:
 * @from: a widget of the window
 *
 * Shows the follow-up page on a dossier: from a receipt, from "Mes demandes".
 */
void
kiosk_followup_show (GtkWidget  *from,
                     const char *number,
                     const char *code)
{
  GtkRoot *root = gtk_widget_get_root (from);
  GtkWidget *page;

  if (!KIOSK_IS_WINDOW (root))
    return;
  page = kiosk_window_get_page (KIOSK_WINDOW (root), KIOSK_PAGE_FOLLOWUP);
  gtk_widget_activate_action (from, "win.show-page", "s", KIOSK_PAGE_FOLLOWUP);
  kiosk_followup_page_open (KIOSK_FOLLOWUP_PAGE (page), number, code);
}

/* Forgetting */

static void
kiosk_followup_page_reset (KioskPage *page)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (page);

  kiosk_page_cancel_request (page);
  kiosk_followup_page_stop_camera (self);
  g_clear_pointer (&self->dossier, kiosk_followup_dossier_free);
  kiosk_followup_page_render (self);
  g_clear_pointer (&self->number, g_free);
  if (self->code != NULL)
    explicit_bzero (self->code, strlen (self->code));
  g_clear_pointer (&self->code, g_free);
  kiosk_followup_page_forget_capture (self);
  g_hash_table_remove_all (self->scans);
  g_clear_pointer (&self->sent, g_free);
  self->procedure = NULL;
  kiosk_widget_forget_text (GTK_WIDGET (self));
  gtk_label_set_label (self->status_label, "");
  gtk_label_set_label (self->sent_label, "");
  show_lookup_error (self, NULL);
  kiosk_followup_page_set_state (self, "lookup");
}

static void
kiosk_followup_page_dispose (GObject *object)
{
  KioskFollowupPage *self = KIOSK_FOLLOWUP_PAGE (object);

  kiosk_followup_page_stop_camera (self);
  g_clear_pointer (&self->dossier, kiosk_followup_dossier_free);
  g_clear_object (&self->complement);
  g_clear_object (&self->corrections);
  g_clear_object (&self->followup);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->code, g_free);
  g_clear_pointer (&self->scanning, g_free);
  g_clear_pointer (&self->sent, g_free);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->scan_states, g_hash_table_unref);
  g_clear_pointer (&self->scans, g_hash_table_unref);
  g_clear_pointer (&self->backs, g_hash_table_unref);
  g_clear_object (&self->capture_dossier);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_FOLLOWUP_PAGE);
  G_OBJECT_CLASS (kiosk_followup_page_parent_class)->dispose (object);
}

static void
kiosk_followup_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_string (value, KIOSK_FOLLOWUP_PAGE (object)->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_followup_page_class_init (KioskFollowupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_followup_page_reset;
  /* A dossier's thread must not wait on screen for the next person. */
  KIOSK_PAGE_CLASS (klass)->forget_when_left = TRUE;
  object_class->dispose = kiosk_followup_page_dispose;
  object_class->get_property = kiosk_followup_page_get_property;

  /* "lookup", "camera" (looking for the receipt's QR code), "loading", "consent" (the citizen asked to agree to the agent's help), "dossier",
   * "capture" (a missing document on the documents page), "sending", "sent" or "queued" (in the
   * outbox). */
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, "lookup",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-followup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, number_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, lookup_error);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, requests_box);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, messages_box);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, message_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, send_error);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, sent_label);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, find_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, number_activate_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "send_clicked_cb", G_CALLBACK (kiosk_followup_page_send));
  gtk_widget_class_bind_template_callback_full (widget_class, "update_send_cb", G_CALLBACK (kiosk_followup_page_update_send));
  gtk_widget_class_install_action (widget_class, "followup.reload", NULL, reload_action_cb);
  kiosk_followup_page_class_init_send (widget_class);
  kiosk_followup_page_class_init_capture (widget_class);
  kiosk_followup_page_class_init_camera (widget_class);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, camera_button);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, camera_box);
  gtk_widget_class_bind_template_child (widget_class, KioskFollowupPage, camera_picture);
}

static void
kiosk_followup_page_init (KioskFollowupPage *self)
{
  self->state = "lookup";
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scan_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->scans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->backs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a template child: those that are the page's own child are unparented twice. */
  self->outer_stack = GTK_STACK (adw_bin_get_child (ADW_BIN (self)));
  gtk_widget_set_visible (self->camera_button, kiosk_camera_is_available ());
}
