/* kiosk-followup-page-send.c: answering the instructor — the missing document scanned through
 * the same capture as in a procedure (the scanner, the quality gate, a card's crop, the portal's
 * formats and limit), a corrected answer checked by its field's own rules, a reply — then the
 * complement sent, and its receipt (screen and printer) listing what was sent. */
#include "kiosk-followup-page-private.h"

#include "kiosk-capture.h"
#include "kiosk-field-input.h"
#include "kiosk-validate.h"

#include <glib/gi18n.h>

/* Corrections */

/* Whether the field's widget holds anything (an address: any of its parts). */
static gboolean
field_is_answered (KioskDossier     *corrections,
                   const KioskField *field)
{
  static const char *const parts[] = { "", "/line", "/postcode", "/commune" };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *key = g_strconcat (field->varname, parts[i], NULL);

      if (!kiosk_text_is_blank (kiosk_dossier_get_answer (corrections, key)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_text (KioskFollowupPage *self,
          GtkWidget         *entry)
{
  const KioskField *field = g_object_get_data (G_OBJECT (entry), "field");

  if (field != NULL)
    return self->corrections != NULL && field_is_answered (self->corrections, field);
  return !kiosk_text_is_blank (gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
corrections_changed_cb (KioskDossier      *corrections,
                        const char        *key,
                        KioskFollowupPage *self)
{
  GHashTableIter iter;
  gpointer widget;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, &widget))
    {
      const KioskField *field = g_object_get_data (G_OBJECT (widget), "field");
      GtkWidget *error = g_object_get_data (G_OBJECT (widget), "error-label");

      if (field != NULL && key != NULL && g_str_has_prefix (key, field->varname) && error != NULL)
        gtk_widget_set_visible (error, FALSE);
    }
  kiosk_followup_page_update_send (self);
}

/**
 * kiosk_followup_page_build_correction:
 *
 * Returns: (transfer floating) (nullable): the widget the form shows for the field @request
 *   names, or %NULL when the form is not known here (a plain entry then, checked by the portal)
 */
GtkWidget *
kiosk_followup_page_build_correction (KioskFollowupPage    *self,
                                      KioskFollowupRequest *request)
{
  const KioskField *field = self->corrections && request->field
                            ? kiosk_procedure_find_field (self->procedure, request->field) : NULL;
  g_autofree char *name = NULL;
  GtkWidget *input;

  if (field == NULL || field->type == KIOSK_FIELD_REPEAT || field->type == KIOSK_FIELD_SECTION
      || field->type == KIOSK_FIELD_EXPLANATION)
    return NULL;
  if (!g_signal_handler_find (self->corrections, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                              corrections_changed_cb, self))
    g_signal_connect_object (self->corrections, "changed", G_CALLBACK (corrections_changed_cb), self, 0);
  input = kiosk_field_input_new (self->corrections, field, field->varname);
  name = g_strdup_printf ("followup-correct-%s", request->id);
  gtk_widget_set_name (input, name);
  g_object_set_data (G_OBJECT (input), "field", (gpointer) field);
  return input;
}

void
kiosk_followup_page_update_send (KioskFollowupPage *self)
{
  GHashTableIter iter;
  gpointer entry;
  gboolean any = g_hash_table_size (self->scans) > 0 || has_text (self, self->message_entry);

  g_hash_table_iter_init (&iter, self->entries);
  while (!any && g_hash_table_iter_next (&iter, NULL, &entry))
    any = has_text (self, entry);
  gtk_widget_set_sensitive (self->send_button, any && self->scanning == NULL && self->dossier != NULL);
}

/* What the capture of a missing document (kiosk-followup-page-capture.c) left under its button. */

void
kiosk_followup_page_show_scan_state (KioskFollowupPage *self,
                                     const char        *request_id,
                                     const char        *text,
                                     gboolean           error)
{
  GtkWidget *label = g_hash_table_lookup (self->scan_states, request_id);

  if (label == NULL)
    return;
  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_visible (label, text != NULL);
  if (error)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
}

/* Checking the answers */

static void
show_entry_error (GtkWidget  *entry,
                  const char *text)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (entry), "error-label");

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_visible (label, TRUE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
  gtk_widget_grab_focus (entry);
}

/* Puts the typed answers into the complement; %FALSE (and the message at the field) when a
 * corrected answer is not one its field accepts. */
static gboolean
collect_answers (KioskFollowupPage *self)
{
  const char *message = gtk_editable_get_text (GTK_EDITABLE (self->message_entry));

  for (guint i = 0; i < self->dossier->requests->len; i++)
    {
      KioskFollowupRequest *request = g_ptr_array_index (self->dossier->requests, i);
      GtkWidget *entry = g_hash_table_lookup (self->entries, request->id);
      const char *text;

      if (entry == NULL)
        continue;
      if (!has_text (self, entry))
        {
          kiosk_complement_remove_answer (self->complement, request->id);
          continue;
        }
      if (g_object_get_data (G_OBJECT (entry), "field") != NULL)
        {
          /* The form's own rules and French messages (kiosk-validate.c), as at submission. */
          const KioskField *field = g_object_get_data (G_OBJECT (entry), "field");
          g_autoptr(GHashTable) errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_autoptr(JsonNode) value = kiosk_dossier_check_answer (self->corrections, field, errors);

          if (value == NULL)
            {
              GHashTableIter iter;
              gpointer message = NULL;

              g_hash_table_iter_init (&iter, errors);
              if (!g_hash_table_iter_next (&iter, NULL, &message))
                message = (gpointer) _("This answer is not valid.");
              show_entry_error (entry, message);
              return FALSE;
            }
          kiosk_complement_answer_field (self->complement, request->id, value);
          continue;
        }
      text = gtk_editable_get_text (GTK_EDITABLE (entry));
      if (request->kind == KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER)
        {
          const KioskField *field = self->procedure && request->field ? kiosk_procedure_find_field (self->procedure, request->field) : NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonNode) value = field ? kiosk_field_validate (field, text, &error) : NULL;

          if (field != NULL && value == NULL)
            {
              show_entry_error (entry, error->message);
              return FALSE;
            }
          if (value == NULL)
            {
              value = json_node_new (JSON_NODE_VALUE);
              json_node_set_string (value, g_strstrip (g_strdup (text)));
            }
          kiosk_complement_answer_field (self->complement, request->id, value);
        }
      else
        kiosk_complement_answer_question (self->complement, request->id, text);
    }
  kiosk_complement_set_message (self->complement, kiosk_text_is_blank (message) ? NULL : message);
  return TRUE;
}

/* The receipt of a complement */

static char *
describe_sent (KioskFollowupPage      *self,
               KioskComplementReceipt *receipt)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, _("%d/%m/%Y at %H:%M"));
  const char *message = kiosk_complement_get_message (self->complement);

  if (receipt != NULL)
    /* TRANSLATORS: %1$s a dossier number, %2$s a date and time */
    g_string_append_printf (text, _("Your answers were sent to the service for dossier No. %1$s on %2$s."),
                            self->dossier->number, when);
  else
    /* TRANSLATORS: %1$s a dossier number, %2$s a date and time */
    g_string_append_printf (text, _("The portal cannot be reached right now: your answers for dossier No. %1$s are saved on this terminal (%2$s), encrypted. The terminal will send them by itself as soon as it can; you have nothing more to do."),
                            self->dossier->number, when);
  g_string_append_c (text, '\n');
  for (guint i = 0; i < self->dossier->requests->len; i++)
    {
      KioskFollowupRequest *request = g_ptr_array_index (self->dossier->requests, i);
      KioskDocument *document = g_hash_table_lookup (self->scans, request->id);

      if (!kiosk_complement_has_answer (self->complement, request->id))
        continue;
      g_string_append (text, "• ");
      if (document != NULL)
        {
          KioskDocument *back = g_hash_table_lookup (self->backs, request->id);
          g_autofree char *size = NULL;

          size = g_format_size (g_bytes_get_size (kiosk_document_get_content (document))
                                + (back ? g_bytes_get_size (kiosk_document_get_content (back)) : 0));
          if (back != NULL)
            /* TRANSLATORS: %1$s a document's name, %2$s its size */
            g_string_append_printf (text, _("Document “%1$s”, both sides (%2$s)"),
                                    request->document_label ? request->document_label : request->text, size);
          else
            /* TRANSLATORS: %1$s a document's name, %2$s its size */
            g_string_append_printf (text, _("Document “%1$s” (%2$s)"),
                                    request->document_label ? request->document_label : request->text, size);
        }
      else if (request->kind == KIOSK_FOLLOWUP_REQUEST_INCORRECT_ANSWER)
        /* TRANSLATORS: %s a question of the form */
        g_string_append_printf (text, _("Corrected answer: %s"), request->field_label ? request->field_label : request->field);
      else
        g_string_append (text, _("Your reply to the service’s question"));
      g_string_append_c (text, '\n');
    }
  if (message != NULL)
    {
      g_string_append (text, "• ");
      g_string_append (text, _("Your message"));
      g_string_append_c (text, '\n');
    }
  if (receipt != NULL && receipt->status_name != NULL)
    {
      const char *status = g_strcmp0 (receipt->status_id, "in-progress") == 0 ? _("Being studied") : receipt->status_name;

      /* TRANSLATORS: %s a status */
      g_string_append_printf (text, _("Your request is now: %s."), status);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  KioskFollowupPage *self;

  if (!kiosk_followup_queue_complement_finish (KIOSK_OUTBOX_SENDER (object), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_FOLLOWUP_PAGE (user_data);
  kiosk_page_set_busy (KIOSK_PAGE (self), FALSE);
  if (error != NULL)
    {
      g_warning ("Complement not queued: %s", error->message);
      kiosk_followup_page_set_state (self, "dossier");
      gtk_label_set_label (self->send_error, _("The portal cannot be reached right now. Nothing was sent and nothing is lost: your answers are still here. Please try again in a moment, or ask an agent."));
      gtk_widget_set_visible (GTK_WIDGET (self->send_error), TRUE);
      kiosk_followup_page_update_send (self);
      return;
    }
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "dossier-complement-queued", self->dossier->number);
  g_free (self->sent);
  self->sent = describe_sent (self, NULL);
  gtk_label_set_label (self->sent_label, self->sent);
  g_hash_table_remove_all (self->scans);
  g_hash_table_remove_all (self->backs);
  kiosk_followup_page_set_state (self, "queued");
  kiosk_outbox_sender_retry_now (kiosk_context_get_outbox_sender (kiosk_page_get_context (KIOSK_PAGE (self))));
}

/* The code a queued complement is delivered with: the one typed, or the one the portal gave the
 * signed-in citizen's account. */
static const char *
queue_code (KioskFollowupPage *self)
{
  return self->code != NULL ? self->code : self->dossier->tracking_code;
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) field_errors = NULL;
  g_autoptr(KioskComplementReceipt) receipt =
    kiosk_followup_send_complement_finish (KIOSK_FOLLOWUP (object), result, &field_errors, &error);
  KioskFollowupPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = KIOSK_FOLLOWUP_PAGE (user_data);
  kiosk_page_set_busy (KIOSK_PAGE (self), FALSE);
  if (receipt == NULL)
    {
      const char *text;

      g_message ("Complement not sent: %s", error->message);
      kiosk_followup_page_set_state (self, "dossier");
      if (field_errors != NULL)
        {
          GHashTableIter iter;
          gpointer key, value;

          text = _("The service did not accept an answer: see the message under it.");
          g_hash_table_iter_init (&iter, field_errors);
          while (g_hash_table_iter_next (&iter, &key, &value))
            for (guint i = 0; i < self->dossier->requests->len; i++)
              {
                KioskFollowupRequest *request = g_ptr_array_index (self->dossier->requests, i);
                GtkWidget *entry = g_hash_table_lookup (self->entries, request->id);

                if (entry != NULL && (g_strcmp0 (request->field, key) == 0 || g_str_has_suffix (key, request->id)))
                  show_entry_error (entry, value);
                else if (g_str_has_suffix (key, request->id))
                  kiosk_followup_page_show_scan_state (self, request->id, value, TRUE);
              }
        }
      else if (kiosk_portal_error_is_transient (error) && queue_code (self) != NULL)
        {
          /* Sent later, by the outbox, under the same Idempotency-Key: with the dossier's code,
           * also for a signed-in citizen (the portal gave it to their account; the account's
           * token would expire before the outbox delivers). */
          kiosk_followup_page_set_state (self, "sending");
          kiosk_followup_queue_complement_async (kiosk_context_get_outbox_sender (kiosk_page_get_context (KIOSK_PAGE (self))),
                                                 self->complement, queue_code (self),
                                                 kiosk_page_begin_request (KIOSK_PAGE (self)), queued_cb, self);
          return;
        }
      else if (kiosk_portal_error_is_transient (error))
        text = _("The portal cannot be reached right now. Nothing was sent and nothing is lost: your answers are still here. Please try again in a moment, or ask an agent.");
      else
        text = _("The service did not accept these answers. Please ask an agent.");
      gtk_label_set_label (self->send_error, text);
      gtk_widget_set_visible (GTK_WIDGET (self->send_error), TRUE);
      kiosk_followup_page_update_send (self);
      return;
    }
  /* The journal keeps the number only, never what was sent. */
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "dossier-complemented", self->dossier->number);
  g_free (self->sent);
  self->sent = describe_sent (self, receipt);
  gtk_label_set_label (self->sent_label, self->sent);
  g_hash_table_remove_all (self->scans);
  g_hash_table_remove_all (self->backs);
  kiosk_followup_page_set_state (self, "sent");
}

void
kiosk_followup_page_send (KioskFollowupPage *self)
{
  KioskFollowup *followup = kiosk_followup_page_get_client (self);

  if (self->dossier == NULL || self->complement == NULL || followup == NULL || self->scanning != NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->send_error), FALSE);
  if (!collect_answers (self))
    return;
  if (kiosk_complement_is_empty (self->complement))
    {
      gtk_label_set_label (self->send_error, _("Answer a request or write a message first."));
      gtk_widget_set_visible (GTK_WIDGET (self->send_error), TRUE);
      return;
    }
  kiosk_followup_page_set_state (self, "sending");
  gtk_widget_set_sensitive (self->send_button, FALSE);
  kiosk_followup_send_complement_async (followup, self->complement, self->code, kiosk_followup_page_get_bearer (self),
                                        kiosk_page_begin_request (KIOSK_PAGE (self)), sent_cb, self);
}

/* Printing the complement's receipt */

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              KioskFollowupPage *self)
{
  double y = 0;

  kiosk_print_text (context, _("Procedures kiosk — answers sent"), "Sans Bold 18", &y);
  kiosk_print_text (context, self->sent, "Sans 12", &y);
}

/**
 * kiosk_followup_page_print:
 * @export_pdf: (nullable): write a PDF there instead of printing (tests)
 *
 * Returns: %TRUE when the receipt of the complement was handed over
 */
gboolean
kiosk_followup_page_print (KioskFollowupPage *self,
                           const char        *export_pdf)
{
  if (self->sent == NULL)
    return FALSE;
  /* TRANSLATORS: name of the print job */
  return kiosk_print_one_page (_("Receipt"), G_CALLBACK (draw_page_cb), self, export_pdf);
}

static void
print_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  kiosk_toast_print_result (widget, kiosk_followup_page_print (KIOSK_FOLLOWUP_PAGE (widget), NULL),
                            _("Your receipt is being printed."),
                            _("The receipt could not be printed. Please write your number down."));
}

void
kiosk_followup_page_class_init_send (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "followup.print", NULL, print_action_cb);
}
