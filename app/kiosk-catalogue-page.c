/* kiosk-catalogue-page.c: the catalogue, filtered by theme and profile, searched as the citizen
 * types (accents and case ignored). Results are virtualised in a GtkListView. */
#include "kiosk-catalogue-page.h"

#include "kiosk-a11y.h"

#include <glib/gi18n.h>

struct _KioskCataloguePage
{
  KioskPage        parent_instance;

  KioskProcedureList *results;   /* what the last search found */
  char           *theme;          /* selected theme slug, or NULL for all */
  GPtrArray      *profile_slugs;  /* index in the drop-down - 1 → slug */

  GtkSearchEntry *search_entry;
  GtkFlowBox     *theme_box;
  GtkWidget      *filters_box;
  GtkDropDown    *profile_dropdown;
  GtkStack       *results_stack;
  GtkListView    *results_view;
};

G_DEFINE_FINAL_TYPE (KioskCataloguePage, kiosk_catalogue_page, KIOSK_TYPE_PAGE)

static void kiosk_catalogue_page_reset (KioskPage *page);

enum { PROP_0, PROP_N_RESULTS, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
update_results (KioskCataloguePage *self)
{
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self)));
  guint selected = gtk_drop_down_get_selected (self->profile_dropdown);
  const char *profile = NULL;
  g_autoptr(KioskProcedureList) found = NULL;
  guint n;

  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected <= self->profile_slugs->len)
    profile = g_ptr_array_index (self->profile_slugs, selected - 1);

  /* Positions, not objects: the list view makes the rows it shows, whatever the number found. */
  found = kiosk_catalogue_find (catalogue, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                self->theme, profile);
  kiosk_procedure_list_take (self->results, found);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  gtk_stack_set_visible_child_name (self->results_stack, n > 0 ? "results" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RESULTS]);
}

/* At 200 % the theme buttons fill the screen: while the citizen searches, the results come
 * right under the search field instead (RGAA 10.4). */
static void
search_changed_cb (GtkSearchEntry     *entry,
                   KioskCataloguePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean large = root != NULL && gtk_widget_has_css_class (GTK_WIDGET (root), "large-text");

  gtk_widget_set_visible (self->filters_box, !large || *gtk_editable_get_text (GTK_EDITABLE (entry)) == '\0');
  update_results (self);
}

static void
profile_selected_cb (GObject            *dropdown,
                     GParamSpec         *pspec,
                     KioskCataloguePage *self)
{
  update_results (self);
}

static void
theme_toggled_cb (GtkToggleButton    *button,
                  KioskCataloguePage *self)
{
  const char *slug = g_object_get_data (G_OBJECT (button), "theme-slug");

  if (!gtk_toggle_button_get_active (button))
    return;
  g_free (self->theme);
  self->theme = g_strdup (slug);
  update_results (self);
}

static void
rebuild_filters (KioskCataloguePage *self)
{
  KioskCatalogue *catalogue = kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self)));
  GPtrArray *themes = kiosk_catalogue_get_themes (catalogue);
  GPtrArray *profiles = kiosk_catalogue_get_profiles (catalogue);
  g_autoptr(GtkStringList) profile_names = gtk_string_list_new (NULL);
  GtkToggleButton *group = NULL;
  GtkWidget *all;

  kiosk_widget_remove_all (GTK_WIDGET (self->theme_box));
  all = kiosk_radio_toggle_new (_("All themes"));
  gtk_widget_set_name (all, "theme-all");
  gtk_widget_add_css_class (all, "pill");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (all), self->theme == NULL);
  g_signal_connect (all, "toggled", G_CALLBACK (theme_toggled_cb), self);
  gtk_flow_box_append (self->theme_box, all);
  group = GTK_TOGGLE_BUTTON (all);

  for (guint i = 0; i < themes->len; i++)
    {
      const KioskTheme *theme = g_ptr_array_index (themes, i);
      GtkWidget *button = kiosk_radio_toggle_new (theme->title);
      g_autofree char *name = g_strdup_printf ("theme-%s", theme->slug);

      gtk_widget_set_name (button, name);
      gtk_widget_add_css_class (button, "pill");
      g_object_set_data_full (G_OBJECT (button), "theme-slug", g_strdup (theme->slug), g_free);
      gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), g_strcmp0 (self->theme, theme->slug) == 0);
      g_signal_connect (button, "toggled", G_CALLBACK (theme_toggled_cb), self);
      gtk_flow_box_append (self->theme_box, button);
    }

  g_ptr_array_set_size (self->profile_slugs, 0);
  /* TRANSLATORS: the first entry of the "who is applying" drop-down */
  gtk_string_list_append (profile_names, _("Everyone"));
  for (guint i = 0; i < profiles->len; i++)
    {
      const KioskTheme *profile = g_ptr_array_index (profiles, i);

      gtk_string_list_append (profile_names, profile->title);
      g_ptr_array_add (self->profile_slugs, g_strdup (profile->slug));
    }
  g_signal_handlers_block_by_func (self->profile_dropdown, profile_selected_cb, self);
  gtk_drop_down_set_model (self->profile_dropdown, G_LIST_MODEL (profile_names));
  gtk_drop_down_set_selected (self->profile_dropdown, 0);
  g_signal_handlers_unblock_by_func (self->profile_dropdown, profile_selected_cb, self);
}

static void
catalogue_changed_cb (KioskCatalogue     *catalogue,
                      KioskCataloguePage *self)
{
  rebuild_filters (self);
  update_results (self);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *category = gtk_label_new (NULL);
  GtkWidget *description = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "kiosk-result");
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_add_css_class (title, "kiosk-result-title");
  gtk_widget_add_css_class (category, "kiosk-step");
  gtk_widget_add_css_class (description, "kiosk-hint");
  for (GtkWidget *label = title; label != NULL; label = label == title ? category : label == category ? description : NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }
  /* Whole descriptions, never cut with "…" (at 200 % two lines hold a few words). */
  gtk_widget_set_name (description, "result-description");
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  KioskProcedure *procedure = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *category = gtk_widget_get_next_sibling (title);
  GtkWidget *description = gtk_widget_get_next_sibling (category);
  g_autofree char *name = g_strdup_printf ("result-%s", kiosk_procedure_get_slug (procedure));

  gtk_widget_set_name (box, name);
  gtk_label_set_label (GTK_LABEL (title), kiosk_procedure_get_title (procedure));
  switch (kiosk_procedure_peek_mode (procedure))
    {
    case KIOSK_PROCEDURE_ONLINE:
      {
        /* TRANSLATORS: a search result's theme, then how the procedure is done */
        g_autofree char *text = g_strdup_printf (_("%s · Online only"), kiosk_procedure_get_category (procedure));

        gtk_label_set_label (GTK_LABEL (category), text);
      }
      break;
    case KIOSK_PROCEDURE_AGENT:
      {
        /* TRANSLATORS: a search result's theme, then how the procedure is done */
        g_autofree char *text = g_strdup_printf (_("%s · With an agent"), kiosk_procedure_get_category (procedure));

        gtk_label_set_label (GTK_LABEL (category), text);
      }
      break;
    default:
      gtk_label_set_label (GTK_LABEL (category), kiosk_procedure_get_category (procedure));
    }
  gtk_label_set_label (GTK_LABEL (description), kiosk_procedure_get_description (procedure));
}

static void
results_activate_cb (GtkListView        *view,
                     guint               position,
                     KioskCataloguePage *self)
{
  g_autoptr(KioskProcedure) procedure = g_list_model_get_item (G_LIST_MODEL (self->results), position);

  if (procedure != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.open-procedure", "s",
                                kiosk_procedure_get_slug (procedure));
}

static void
kiosk_catalogue_page_constructed (GObject *object)
{
  KioskCataloguePage *self = KIOSK_CATALOGUE_PAGE (object);

  G_OBJECT_CLASS (kiosk_catalogue_page_parent_class)->constructed (object);

  g_signal_connect_object (kiosk_context_get_catalogue (kiosk_page_get_context (KIOSK_PAGE (self))), "changed",
                           G_CALLBACK (catalogue_changed_cb), self, 0);
  catalogue_changed_cb (NULL, self);
}

static void
kiosk_catalogue_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  KioskCataloguePage *self = KIOSK_CATALOGUE_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_RESULTS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->results)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kiosk_catalogue_page_dispose (GObject *object)
{
  KioskCataloguePage *self = KIOSK_CATALOGUE_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_CATALOGUE_PAGE);
  g_clear_object (&self->results);
  g_clear_pointer (&self->theme, g_free);
  g_clear_pointer (&self->profile_slugs, g_ptr_array_unref);

  G_OBJECT_CLASS (kiosk_catalogue_page_parent_class)->dispose (object);
}

static void
kiosk_catalogue_page_class_init (KioskCataloguePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  KIOSK_PAGE_CLASS (klass)->reset = kiosk_catalogue_page_reset;
  object_class->constructed = kiosk_catalogue_page_constructed;
  object_class->get_property = kiosk_catalogue_page_get_property;
  object_class->dispose = kiosk_catalogue_page_dispose;

  properties[PROP_N_RESULTS] =
    g_param_spec_uint ("n-results", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/nc/epn/Kiosk/ui/kiosk-catalogue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskCataloguePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskCataloguePage, theme_box);
  gtk_widget_class_bind_template_child (widget_class, KioskCataloguePage, filters_box);
  gtk_widget_class_bind_template_child (widget_class, KioskCataloguePage, profile_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KioskCataloguePage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, KioskCataloguePage, results_view);
}

static void
kiosk_catalogue_page_init (KioskCataloguePage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  kiosk_stack_label_pages (self->results_stack);

  self->results = kiosk_procedure_list_new ();
  self->profile_slugs = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->results_view, factory);
  g_object_unref (factory);
  {
    GtkNoSelection *selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->results)));

    gtk_list_view_set_model (self->results_view, GTK_SELECTION_MODEL (selection));
    g_object_unref (selection);
  }
  g_signal_connect (self->results_view, "activate", G_CALLBACK (results_activate_cb), self);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect (self->profile_dropdown, "notify::selected", G_CALLBACK (profile_selected_cb), self);
}


/**
 * kiosk_catalogue_page_get_results:
 *
 * Returns: (transfer none): the procedures shown, best first
 */
GListModel *
kiosk_catalogue_page_get_results (KioskCataloguePage *self)
{
  return G_LIST_MODEL (self->results);
}

/* Clears the search and filters, for the next citizen. */
static void
kiosk_catalogue_page_reset (KioskPage *page)
{
  KioskCataloguePage *self = KIOSK_CATALOGUE_PAGE (page);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_set_visible (self->filters_box, TRUE);
  g_clear_pointer (&self->theme, g_free);
  rebuild_filters (self);
  update_results (self);
}
