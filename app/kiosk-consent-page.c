/* kiosk-consent-page.c: the citizen's consent to an assisted session (the local form of an
 * Aidants Connect mandate): who helps, for which procedure, what they may do, for this session
 * only. Agreeing starts the procedure; refusing ends the assisted session, and the citizen may go
 * on alone. */
#include "kiosk-consent-page.h"
#include "kiosk-followup-page.h"

#include <glib/gi18n.h>
#include <string.h>

struct _KioskConsentPage
{
  KioskPage         parent_instance;

  KioskProcedure  *procedure;
  /* Or completing an existing dossier: its number, and the code it was opened with (nullable:
   * a dossier of the signed-in account). */
  char            *number;
  char            *code;

  GtkLabel        *intro_label;
  GtkCheckButton  *fill_check;
  GtkCheckButton  *scan_check;
  GtkCheckButton  *submit_check;
  GtkCheckButton  *complete_check;
};

G_DEFINE_FINAL_TYPE (KioskConsentPage, kiosk_consent_page, KIOSK_TYPE_PAGE)

static void
forget_followup (KioskConsentPage *self)
{
  g_clear_pointer (&self->number, g_free);
  if (self->code != NULL)
    explicit_bzero (self->code, strlen (self->code));
  g_clear_pointer (&self->code, g_free);
}

static void
show_checks (KioskConsentPage *self,
             gboolean          followup)
{
  gtk_widget_set_visible (GTK_WIDGET (self->fill_check), !followup);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_check), !followup);
  gtk_widget_set_visible (GTK_WIDGET (self->submit_check), !followup);
  gtk_widget_set_visible (GTK_WIDGET (self->complete_check), followup);
}

char *
kiosk_consent_followup_scope (const char *number)
{
  return g_strconcat ("followup:", number, NULL);
}

/* Asks the citizen about completing the existing dossier @number (@title its procedure), and
 * nothing else: the agent's help covers that dossier only. */
void
kiosk_consent_page_ask_followup (KioskConsentPage *self,
                                 const char       *number,
                                 const char       *code,
                                 const char       *title)
{
  const KioskAgent *agent = kiosk_session_get_assisting (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
  g_autofree char *intro = NULL;
  g_autofree char *check = NULL;

  g_clear_object (&self->procedure);
  forget_followup (self);
  self->number = g_strdup (number);
  self->code = g_strdup (code);
  /* TRANSLATORS: %1$s is the agent's name, %2$s a procedure's title, %3$s a dossier number */
  intro = g_strdup_printf (_("%1$s, an agent of this centre, offers to help you complete your existing request “%2$s”, No. %3$s: scan, correct, reply and send. Do you agree that the agent may:"),
                           agent ? agent->name : "", title ? title : "", number);
  gtk_label_set_label (self->intro_label, intro);
  /* TRANSLATORS: %s a dossier number */
  check = g_strdup_printf (_("complete my request No. %s with me"), number);
  gtk_check_button_set_label (self->complete_check, check);
  /* With larger text the line wraps rather than widening the window. */
  if (GTK_IS_LABEL (gtk_widget_get_last_child (GTK_WIDGET (self->complete_check))))
    gtk_label_set_wrap (GTK_LABEL (gtk_widget_get_last_child (GTK_WIDGET (self->complete_check))), TRUE);
  gtk_check_button_set_active (self->complete_check, TRUE);
  show_checks (self, TRUE);
}

/* Asks the citizen about @procedure. */
void
kiosk_consent_page_ask (KioskConsentPage *self,
                        KioskProcedure   *procedure)
{
  const KioskAgent *agent = kiosk_session_get_assisting (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
  g_autofree char *intro = NULL;

  forget_followup (self);
  show_checks (self, FALSE);
  g_set_object (&self->procedure, procedure);
  /* TRANSLATORS: %1$s is the agent's name, %2$s the procedure's title */
  intro = g_strdup_printf (_("%1$s, an agent of this centre, offers to help you with “%2$s”. Do you agree that the agent may:"),
                           agent ? agent->name : "", kiosk_procedure_get_title (procedure));
  gtk_label_set_label (self->intro_label, intro);
  gtk_check_button_set_active (self->fill_check, TRUE);
  gtk_check_button_set_active (self->scan_check, TRUE);
  gtk_check_button_set_active (self->submit_check, TRUE);
}

/* Back to the follow-up page on the dossier: with the agent when agreed, alone when refused. */
static void
return_to_followup (KioskConsentPage *self)
{
  g_autofree char *number = g_steal_pointer (&self->number);
  g_autofree char *code = g_steal_pointer (&self->code);

  kiosk_followup_show (GTK_WIDGET (self), number, code);
  if (code != NULL)
    explicit_bzero (code, strlen (code));
}

static void
accept_followup (KioskConsentPage *self)
{
  KioskSession *session = kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)));
  const char *const scopes[] = { "complete", NULL };
  g_autofree char *scope = NULL;

  if (kiosk_session_get_assisting (session) == NULL)
    return;
  if (!gtk_check_button_get_active (self->complete_check))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "consent.refuse", NULL);
      return;
    }
  /* The journal records "followup:<number> complete": the number, nothing of the dossier. */
  scope = kiosk_consent_followup_scope (self->number);
  kiosk_session_give_consent (session, scope, scopes);
  return_to_followup (self);
}

static void
accept_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskConsentPage *self = KIOSK_CONSENT_PAGE (widget);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) scopes = NULL;

  if (self->number != NULL)
    {
      accept_followup (self);
      return;
    }
  if (self->procedure == NULL || kiosk_session_get_assisting (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self)))) == NULL)
    return;
  if (gtk_check_button_get_active (self->fill_check))
    g_strv_builder_add (builder, "fill");
  if (gtk_check_button_get_active (self->scan_check))
    g_strv_builder_add (builder, "scan");
  if (gtk_check_button_get_active (self->submit_check))
    g_strv_builder_add (builder, "submit");
  scopes = g_strv_builder_end (builder);
  /* Nothing allowed is no agreement: as a refusal. */
  if (scopes[0] == NULL)
    {
      gtk_widget_activate_action (widget, "consent.refuse", NULL);
      return;
    }
  kiosk_session_give_consent (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))), kiosk_procedure_get_slug (self->procedure),
                              (const char * const *) scopes);
  gtk_widget_activate_action (widget, "win.start-dossier", NULL);
}

static void
refuse_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  KioskConsentPage *self = KIOSK_CONSENT_PAGE (widget);
  g_autofree char *slug = self->procedure ? g_strdup (kiosk_procedure_get_slug (self->procedure)) : NULL;

  if (self->number != NULL)
    {
      g_autofree char *scope = kiosk_consent_followup_scope (self->number);

      kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "consent-refused", scope);
      kiosk_session_end_assisted (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
      return_to_followup (self);
      return;
    }
  kiosk_context_log (kiosk_page_get_context (KIOSK_PAGE (self)), "consent-refused", slug ? slug : "");
  kiosk_session_end_assisted (kiosk_context_get_session (kiosk_page_get_context (KIOSK_PAGE (self))));
  if (slug != NULL)
    gtk_widget_activate_action (widget, "win.open-procedure", "s", slug);
}

static void
kiosk_consent_page_reset (KioskPage *page)
{
  KioskConsentPage *self = KIOSK_CONSENT_PAGE (page);

  g_clear_object (&self->procedure);
  forget_followup (self);
}

static void
kiosk_consent_page_dispose (GObject *object)
{
  KioskConsentPage *self = KIOSK_CONSENT_PAGE (object);

  g_clear_object (&self->procedure);
  forget_followup (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_CONSENT_PAGE);
  G_OBJECT_CLASS (kiosk_consent_page_parent_class)->dispose (object);
}

static void
kiosk_consent_page_class_init (KioskConsentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kiosk_consent_page_dispose;
  KIOSK_PAGE_CLASS (klass)->reset = kiosk_consent_page_reset;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-consent-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskConsentPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, KioskConsentPage, fill_check);
  gtk_widget_class_bind_template_child (widget_class, KioskConsentPage, scan_check);
  gtk_widget_class_bind_template_child (widget_class, KioskConsentPage, submit_check);
  gtk_widget_class_bind_template_child (widget_class, KioskConsentPage, complete_check);
  gtk_widget_class_install_action (widget_class, "consent.accept", NULL, accept_action_cb);
  gtk_widget_class_install_action (widget_class, "consent.refuse", NULL, refuse_action_cb);
}

static void
kiosk_consent_page_init (KioskConsentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

