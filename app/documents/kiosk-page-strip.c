/* kiosk-page-strip.c: the pages of a paper document, each a thumbnail (turned as asked) with its
 * tools as actions whose target is the document and the page, "(su)": documents.page-turn,
 * -earlier, -crop, -remove; then "Add a page" (documents.add-page). A flow box: the pages wrap
 * onto more lines, with larger text too. */
#include "kiosk-page-strip.h"

#include "kiosk-types.h"

#include <glib/gi18n.h>

struct _KioskPageStrip
{
  GtkBox      parent_instance;

  GtkFlowBox *flow_box;
  GtkWidget  *add_button;
};

G_DEFINE_FINAL_TYPE (KioskPageStrip, kiosk_page_strip, GTK_TYPE_BOX)

static GtkWidget *
new_page_button (const char *name_prefix,
                 const char *action,
                 const char *varname,
                 guint       index,
                 const char *icon,
                 const char *label)
{
  g_autofree char *name = g_strdup_printf ("%s-%s-%u", name_prefix, varname, index);
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_name (button, name);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "kiosk-page-button");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(su)", varname, index);
  return button;
}

/* Page @i of the document @varname: its thumbnail, its number, its tools. */
static GtkWidget *
new_page_column (const char       *varname,
                 const KioskSheet *page,
                 guint             i)
{
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  g_autofree char *number = g_strdup_printf (_("Page %u"), i + 1);
  g_autofree char *picture_name = g_strdup_printf ("page-%s-%u", varname, i);
  g_autofree char *turn = g_strdup_printf (_("Turn page %u"), i + 1);
  g_autofree char *remove = g_strdup_printf (_("Remove page %u"), i + 1);
  g_autofree char *earlier = g_strdup_printf (_("Move page %u before the previous one"), i + 1);
  /* TRANSLATORS: a button under a page's thumbnail, for a screen reader */
  g_autofree char *crop = g_strdup_printf (_("Crop page %u"), i + 1);

  if (page->preview != NULL)
    {
      g_autoptr(KioskImage) turned = kiosk_image_rotate (page->preview, page->quarter_turns);
      g_autoptr(GdkTexture) texture = kiosk_texture_new_for_image (turned);
      GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));

      gtk_widget_set_name (picture, picture_name);
      gtk_widget_set_size_request (picture, 90, 120);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_alternative_text (GTK_PICTURE (picture), number);
      gtk_box_append (GTK_BOX (column), picture);
    }
  gtk_box_append (GTK_BOX (column), gtk_label_new (number));
  gtk_box_append (GTK_BOX (tools), new_page_button ("turn", "documents.page-turn", varname, i,
                                                    "object-rotate-right-symbolic", turn));
  if (i > 0)
    gtk_box_append (GTK_BOX (tools), new_page_button ("earlier", "documents.page-earlier", varname, i,
                                                      "go-previous-symbolic", earlier));
  gtk_box_append (GTK_BOX (tools), new_page_button ("crop", "documents.page-crop", varname, i,
                                                    "edit-cut-symbolic", crop));
  gtk_box_append (GTK_BOX (tools), new_page_button ("remove", "documents.page-remove", varname, i,
                                                    "user-trash-symbolic", remove));
  gtk_box_append (GTK_BOX (column), tools);
  return column;
}

static void
kiosk_page_strip_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_PAGE_STRIP);
  G_OBJECT_CLASS (kiosk_page_strip_parent_class)->dispose (object);
}

static void
kiosk_page_strip_class_init (KioskPageStripClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = kiosk_page_strip_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-page-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskPageStrip, flow_box);
  gtk_widget_class_bind_template_child (widget_class, KioskPageStrip, add_button);
}

static void
kiosk_page_strip_init (KioskPageStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* @document: a paper document, with its pages */
GtkWidget *
kiosk_page_strip_new (const char    *varname,
                      KioskDocument *document)
{
  KioskPageStrip *self = g_object_new (KIOSK_TYPE_PAGE_STRIP, NULL);
  GPtrArray *pages = kiosk_document_get_pages (document);
  g_autofree char *add_name = g_strdup_printf ("add-page-%s", varname);

  for (guint i = 0; pages != NULL && i < pages->len; i++)
    gtk_flow_box_insert (self->flow_box, new_page_column (varname, g_ptr_array_index (pages, i), i), i);
  gtk_widget_set_name (self->add_button, add_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->add_button), "s", varname);
  return GTK_WIDGET (self);
}
