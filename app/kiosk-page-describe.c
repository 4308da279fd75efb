/* kiosk-page-describe.c: what "Écouter" reads of a page (issue 19), found in the page's own
 * widgets rather than written twice.
 *
 * A page's title and instructions are its labels styled "kiosk-step", "kiosk-title",
 * "kiosk-subtitle", and its banners ("kiosk-banner", "kiosk-success"); a reference
 * ("kiosk-number", "kiosk-draft-code": a dossier or appointment number, a code) is read two
 * digits at a time, after its caption; lists are left out. A question is a "kiosk-field-label"
 * label and what follows it up to the next one (kiosk_page_find_question()): its help
 * ("kiosk-hint"), its message if it shows one ("kiosk-error"), and the choices it offers. Only
 * what is shown is read. */
#include "kiosk-page.h"

#include "kiosk-speech.h"

#include <glib/gi18n.h>
#include <string.h>

static const char *const page_classes[] = {
  "kiosk-step", "kiosk-title", "kiosk-subtitle", "kiosk-banner", "kiosk-success", NULL,
};

/* A dossier or appointment number, a sign-in code, a draft's resume code. */
static const char *const reference_classes[] = { "kiosk-number", "kiosk-draft-code", NULL };

static GtkWidget *find_label_before (GtkWidget *widget);

static gboolean
is_shown (GtkWidget *widget)
{
  return gtk_widget_get_visible (widget) && gtk_widget_get_child_visible (widget);
}

static gboolean
has_any_class (GtkWidget          *widget,
               const char * const *classes)
{
  for (guint i = 0; classes[i] != NULL; i++)
    if (gtk_widget_has_css_class (widget, classes[i]))
      return TRUE;
  return FALSE;
}

/* One sentence a line, each ending with a stop, so that the voice pauses between them. */
static void
add_text (GString    *out,
          const char *text)
{
  g_autofree char *clean = g_strstrip (g_strdup (text != NULL ? text : ""));
  gunichar last;

  if (clean[0] == '\0')
    return;
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append (out, clean);
  last = g_utf8_get_char (g_utf8_prev_char (clean + strlen (clean)));
  if (!g_unichar_ispunct (last) || last == ')' || last == '"' || last == 0x00BB)
    g_string_append_c (out, '.');
}

static void
add_reference (GString   *out,
               GtkWidget *label)
{
  GtkWidget *caption = gtk_widget_get_prev_sibling (label);
  g_autofree char *spoken = kiosk_speech_group_digits (gtk_label_get_text (GTK_LABEL (label)));

  /* "Your appointment number:" is a plain label: read it here, before the number. A caption
   * styled as instructions has been read already. */
  if (caption != NULL && GTK_IS_LABEL (caption) && is_shown (caption)
      && !has_any_class (caption, (const char * const *) page_classes))
    add_text (out, gtk_label_get_text (GTK_LABEL (caption)));
  add_text (out, spoken);
}

static void
collect_page_text (GtkWidget *widget,
                   GString   *out)
{
  if (!is_shown (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      if (has_any_class (widget, (const char * const *) reference_classes))
        add_reference (out, widget);
      else if (has_any_class (widget, (const char * const *) page_classes)
               || (gtk_widget_has_css_class (widget, "kiosk-error") && find_label_before (widget) == NULL))
        add_text (out, gtk_label_get_text (GTK_LABEL (widget)));
      return;
    }
  /* Lists (search results, filters, a queue) are not instructions: their headings alone would
   * make no sense. The focused row is read as the focused control. */
  if (GTK_IS_LIST_BOX (widget) || GTK_IS_FLOW_BOX (widget) || GTK_IS_LIST_VIEW (widget)
      || GTK_IS_GRID_VIEW (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_page_text (child, out);
}

static gboolean
is_question_label (GtkWidget *widget)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "kiosk-field-label");
}

static gboolean
holds_question (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (is_question_label (child))
      return TRUE;
  return FALSE;
}

/* The question label @widget comes under: the nearest one before it among its siblings. */
static GtkWidget *
find_label_before (GtkWidget *widget)
{
  for (GtkWidget *sibling = widget; sibling != NULL; sibling = gtk_widget_get_prev_sibling (sibling))
    if (is_question_label (sibling))
      return sibling;
  return NULL;
}

/* Something the citizen answers with: a text field, a choice, a list to pick from (its button
 * is inside it). A button that acts (Next, Remove) is no answer. */
static gboolean
is_input (GtkWidget *focus,
          GtkWidget *page)
{
  for (GtkWidget *widget = focus; widget != NULL && widget != page; widget = gtk_widget_get_parent (widget))
    if (GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_CHECK_BUTTON (widget)
        || GTK_IS_DROP_DOWN (widget))
      return TRUE;
  return FALSE;
}

/**
 * kiosk_page_find_question:
 * @focus: (nullable): a widget of the page
 *
 * A question is named by its label (styled "kiosk-field-label"); what follows that label among
 * its siblings, up to the next question's label, is the question's: its help, its input, its
 * message. A form's field box holds one; the appointment's contact box holds three. Only an
 * input (a text field, a choice, a list) is in a question: a button is read for its own words.
 *
 * Returns: (transfer none) (nullable): the label of the innermost question holding @focus
 */
GtkWidget *
kiosk_page_find_question (KioskPage *self,
                          GtkWidget *focus)
{
  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self))
      || !is_input (focus, GTK_WIDGET (self)))
    return NULL;
  for (GtkWidget *widget = focus; widget != NULL && widget != GTK_WIDGET (self);
       widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *label = find_label_before (widget);

      if (label != NULL)
        return label;
    }
  return NULL;
}

/* The choices under @widget, not those of a question inside it (a repeated block). */
static void
collect_choices (GtkWidget *widget,
                 GPtrArray *choices)
{
  if (!is_shown (widget) || holds_question (widget))
    return;
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL)
    {
      g_ptr_array_add (choices, (gpointer) gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_choices (child, choices);
}

/* @label, then what follows it up to the next question: help, message, choices. */
static void
add_question (GString   *out,
              GtkWidget *label)
{
  g_autoptr(GPtrArray) choices = g_ptr_array_new ();

  add_text (out, gtk_label_get_text (GTK_LABEL (label)));
  for (GtkWidget *sibling = gtk_widget_get_next_sibling (label);
       sibling != NULL && !is_question_label (sibling); sibling = gtk_widget_get_next_sibling (sibling))
    {
      if (GTK_IS_LABEL (sibling))
        {
          if (is_shown (sibling) && (gtk_widget_has_css_class (sibling, "kiosk-hint")
                                     || gtk_widget_has_css_class (sibling, "kiosk-error")))
            add_text (out, gtk_label_get_text (GTK_LABEL (sibling)));
        }
      else
        collect_choices (sibling, choices);
    }
  if (choices->len == 0)
    return;
  /* TRANSLATORS: read aloud before the choices of a question: "Possible answers: Yes. No." */
  add_text (out, _("Possible answers:"));
  for (guint i = 0; i < choices->len; i++)
    add_text (out, g_ptr_array_index (choices, i));
}

/* What the focused control says of itself (a button's words), when it is no question's. */
static void
add_control (GString   *out,
             GtkWidget *widget)
{
  if (!is_shown (widget))
    return;
  if (GTK_IS_LABEL (widget))
    add_text (out, gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    add_control (out, child);
}

/**
 * kiosk_page_describe_question:
 * @question: (nullable): a question's label (kiosk_page_find_question())
 *
 * Returns: (transfer full): its label, help, message and choices; "" for %NULL
 */
char *
kiosk_page_describe_question (KioskPage *self,
                              GtkWidget *question)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  if (question != NULL)
    add_question (out, question);
  return g_string_free (out, FALSE);
}

/**
 * kiosk_page_describe_default:
 * @focus: (nullable): the widget of the page that has, or last had, the focus
 *
 * The page's title and instructions, its references, then the question holding @focus (or
 * the words of the focused control).
 *
 * Returns: (transfer full): the text to read
 */
char *
kiosk_page_describe_default (KioskPage *self,
                             GtkWidget *focus)
{
  GString *out = g_string_new (NULL);
  GtkWidget *question;

  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  collect_page_text (GTK_WIDGET (self), out);
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    {
      question = kiosk_page_find_question (self, focus);
      if (question != NULL)
        add_question (out, question);
      else
        add_control (out, focus);
    }
  return g_string_free (out, FALSE);
}

/**
 * kiosk_page_describe_widget:
 * @widget: any widget: the idle warning, a dialog's content
 *
 * Returns: (transfer full): the title, instructions and references @widget shows, as a page's
 */
char *
kiosk_page_describe_widget (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);

  collect_page_text (widget, out);
  return g_string_free (out, FALSE);
}

static void
collect_errors (GtkWidget *widget,
                GString   *out)
{
  if (!is_shown (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      GtkWidget *label = find_label_before (widget);

      if (gtk_widget_has_css_class (widget, "kiosk-banner"))
        add_text (out, gtk_label_get_text (GTK_LABEL (widget)));
      else if (gtk_widget_has_css_class (widget, "kiosk-error") && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
        {
          /* Which question the message is about, then the message. */
          if (label != NULL)
            add_text (out, gtk_label_get_text (GTK_LABEL (label)));
          add_text (out, gtk_label_get_text (GTK_LABEL (widget)));
        }
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_errors (child, out);
}

/**
 * kiosk_page_describe_errors:
 *
 * Returns: (transfer full): the page's banners, then each message it shows about an answer,
 *   after its question's label
 */
char *
kiosk_page_describe_errors (KioskPage *self)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (KIOSK_IS_PAGE (self), NULL);
  collect_errors (GTK_WIDGET (self), out);
  return g_string_free (out, FALSE);
}
