/* kiosk-crop-area.c: the scan with a frame to keep part of it (see kiosk-crop-area.h).
 *
 * The frame is kept in fractions of the image (0–1 each way), so that it does not depend on how
 * large the image is drawn. A drag that starts near a corner (within a finger's width) moves that
 * corner; inside the frame, it moves the frame whole. The frame never gets smaller than a tenth
 * of the image each way. */
#include "kiosk-crop-area.h"

#include <glib/gi18n.h>

#define HANDLE_RADIUS 18.0   /* drawn */
#define HANDLE_REACH  48.0   /* a touch this close to a corner takes it */
#define MIN_FRACTION  0.1
#define KEY_STEP      0.02

typedef enum { DRAG_NONE, DRAG_TOP_LEFT, DRAG_TOP_RIGHT, DRAG_BOTTOM_LEFT, DRAG_BOTTOM_RIGHT, DRAG_MOVE } Drag;

struct _KioskCropArea
{
  GtkWidget        parent_instance;

  GdkTexture      *texture;
  graphene_rect_t  frame;        /* fractions of the image */
  graphene_rect_t  frame_start;  /* at the start of a drag */
  Drag             drag;
  Drag             key_corner;   /* the corner the arrow keys move */
};

G_DEFINE_FINAL_TYPE (KioskCropArea, kiosk_crop_area, GTK_TYPE_WIDGET)

/* Where the image is drawn in the widget: as large as fits, centred. */
void
kiosk_crop_area_get_image_bounds (KioskCropArea   *self,
                                  graphene_rect_t *bounds)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double image_width, image_height, scale;

  if (self->texture == NULL || width <= 0 || height <= 0)
    {
      graphene_rect_init (bounds, 0, 0, 0, 0);
      return;
    }
  /* Room for the corners' handles all around. */
  width -= 2 * HANDLE_RADIUS;
  height -= 2 * HANDLE_RADIUS;
  if (width <= 0 || height <= 0)
    {
      graphene_rect_init (bounds, 0, 0, 0, 0);
      return;
    }
  image_width = gdk_texture_get_width (self->texture);
  image_height = gdk_texture_get_height (self->texture);
  scale = MIN (width / image_width, height / image_height);
  graphene_rect_init (bounds, HANDLE_RADIUS + (width - image_width * scale) / 2,
                      HANDLE_RADIUS + (height - image_height * scale) / 2, image_width * scale,
                      image_height * scale);
}

/* The frame in widget coordinates. */
static void
frame_in_widget (KioskCropArea   *self,
                 graphene_rect_t *frame)
{
  graphene_rect_t bounds;

  kiosk_crop_area_get_image_bounds (self, &bounds);
  graphene_rect_init (frame, bounds.origin.x + self->frame.origin.x * bounds.size.width,
                      bounds.origin.y + self->frame.origin.y * bounds.size.height,
                      self->frame.size.width * bounds.size.width,
                      self->frame.size.height * bounds.size.height);
}

static void
kiosk_crop_area_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  KioskCropArea *self = KIOSK_CROP_AREA (widget);
  graphene_rect_t bounds, frame;
  GdkRGBA shade = { 0, 0, 0, 0.55 };
  GdkRGBA line = { 1, 0.75, 0, 1 };          /* amber: seen on white paper and on black */
  GdkRGBA outline = { 0, 0, 0, 1 };

  if (self->texture == NULL)
    return;
  kiosk_crop_area_get_image_bounds (self, &bounds);
  frame_in_widget (self, &frame);
  gtk_snapshot_append_texture (snapshot, self->texture, &bounds);

  /* What is left out is dimmed: four bands around the frame. */
  gtk_snapshot_append_color (snapshot, &shade,
                             &GRAPHENE_RECT_INIT (bounds.origin.x, bounds.origin.y, bounds.size.width,
                                                  frame.origin.y - bounds.origin.y));
  gtk_snapshot_append_color (snapshot, &shade,
                             &GRAPHENE_RECT_INIT (bounds.origin.x, frame.origin.y + frame.size.height,
                                                  bounds.size.width,
                                                  bounds.origin.y + bounds.size.height - frame.origin.y - frame.size.height));
  gtk_snapshot_append_color (snapshot, &shade,
                             &GRAPHENE_RECT_INIT (bounds.origin.x, frame.origin.y,
                                                  frame.origin.x - bounds.origin.x, frame.size.height));
  gtk_snapshot_append_color (snapshot, &shade,
                             &GRAPHENE_RECT_INIT (frame.origin.x + frame.size.width, frame.origin.y,
                                                  bounds.origin.x + bounds.size.width - frame.origin.x - frame.size.width,
                                                  frame.size.height));
  {
    GskRoundedRect border;
    float widths[4] = { 3, 3, 3, 3 };
    GdkRGBA colors[4] = { line, line, line, line };

    gsk_rounded_rect_init_from_rect (&border, &frame, 0);
    gtk_snapshot_append_border (snapshot, &border, widths, colors);
  }
  /* Round handles at the corners, large enough for a finger. */
  for (int i = 0; i < 4; i++)
    {
      double x = frame.origin.x + (i % 2 ? frame.size.width : 0);
      double y = frame.origin.y + (i / 2 ? frame.size.height : 0);
      GskRoundedRect handle;
      graphene_rect_t rect = GRAPHENE_RECT_INIT (x - HANDLE_RADIUS, y - HANDLE_RADIUS, 2 * HANDLE_RADIUS,
                                                 2 * HANDLE_RADIUS);
      float widths[4] = { 2, 2, 2, 2 };
      GdkRGBA colors[4] = { outline, outline, outline, outline };

      gsk_rounded_rect_init_from_rect (&handle, &rect, HANDLE_RADIUS);
      gtk_snapshot_push_rounded_clip (snapshot, &handle);
      gtk_snapshot_append_color (snapshot, &line, &rect);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &handle, widths, colors);
    }
}

/* Keeps the frame inside the image and not smaller than MIN_FRACTION each way. */
static void
clamp_frame (graphene_rect_t *frame)
{
  frame->size.width = CLAMP (frame->size.width, MIN_FRACTION, 1);
  frame->size.height = CLAMP (frame->size.height, MIN_FRACTION, 1);
  frame->origin.x = CLAMP (frame->origin.x, 0, 1 - frame->size.width);
  frame->origin.y = CLAMP (frame->origin.y, 0, 1 - frame->size.height);
}

/* Moves corner @corner of @frame to (@x, @y), in fractions, the opposite corner staying. */
static void
move_corner (graphene_rect_t *frame,
             Drag             corner,
             double           x,
             double           y)
{
  double left = frame->origin.x, top = frame->origin.y;
  double right = left + frame->size.width, bottom = top + frame->size.height;

  x = CLAMP (x, 0, 1);
  y = CLAMP (y, 0, 1);
  if (corner == DRAG_TOP_LEFT || corner == DRAG_BOTTOM_LEFT)
    left = MIN (x, right - MIN_FRACTION);
  else
    right = MAX (x, left + MIN_FRACTION);
  if (corner == DRAG_TOP_LEFT || corner == DRAG_TOP_RIGHT)
    top = MIN (y, bottom - MIN_FRACTION);
  else
    bottom = MAX (y, top + MIN_FRACTION);
  graphene_rect_init (frame, left, top, right - left, bottom - top);
  clamp_frame (frame);
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               KioskCropArea  *self)
{
  graphene_rect_t frame;
  double best = HANDLE_REACH * HANDLE_REACH;

  frame_in_widget (self, &frame);
  self->drag = DRAG_NONE;
  for (int i = 0; i < 4; i++)
    {
      double cx = frame.origin.x + (i % 2 ? frame.size.width : 0);
      double cy = frame.origin.y + (i / 2 ? frame.size.height : 0);
      double distance = (x - cx) * (x - cx) + (y - cy) * (y - cy);

      if (distance < best)
        {
          best = distance;
          self->drag = DRAG_TOP_LEFT + i;
        }
    }
  if (self->drag == DRAG_NONE && graphene_rect_contains_point (&frame, &GRAPHENE_POINT_INIT (x, y)))
    self->drag = DRAG_MOVE;
  if (self->drag == DRAG_NONE)
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
  else
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      self->frame_start = self->frame;
      if (self->drag != DRAG_MOVE)
        self->key_corner = self->drag;
    }
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                KioskCropArea  *self)
{
  graphene_rect_t bounds;
  double fx, fy;

  kiosk_crop_area_get_image_bounds (self, &bounds);
  if (self->drag == DRAG_NONE || bounds.size.width <= 0 || bounds.size.height <= 0)
    return;
  fx = dx / bounds.size.width;
  fy = dy / bounds.size.height;
  self->frame = self->frame_start;
  if (self->drag == DRAG_MOVE)
    {
      self->frame.origin.x += fx;
      self->frame.origin.y += fy;
      clamp_frame (&self->frame);
    }
  else
    {
      Drag corner = self->drag;
      double x = self->frame_start.origin.x + (corner == DRAG_TOP_RIGHT || corner == DRAG_BOTTOM_RIGHT
                                               ? self->frame_start.size.width : 0);
      double y = self->frame_start.origin.y + (corner == DRAG_BOTTOM_LEFT || corner == DRAG_BOTTOM_RIGHT
                                               ? self->frame_start.size.height : 0);

      move_corner (&self->frame, corner, x + fx, y + fy);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Arrow keys move a corner (Tab-free: the area is one stop in the keyboard journey); Space
 * picks the next corner. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                KioskCropArea         *self)
{
  Drag corner = self->key_corner;
  double x = self->frame.origin.x + (corner == DRAG_TOP_RIGHT || corner == DRAG_BOTTOM_RIGHT ? self->frame.size.width : 0);
  double y = self->frame.origin.y + (corner == DRAG_BOTTOM_LEFT || corner == DRAG_BOTTOM_RIGHT ? self->frame.size.height : 0);

  switch (keyval)
    {
    case GDK_KEY_Left: x -= KEY_STEP; break;
    case GDK_KEY_Right: x += KEY_STEP; break;
    case GDK_KEY_Up: y -= KEY_STEP; break;
    case GDK_KEY_Down: y += KEY_STEP; break;
    case GDK_KEY_space:
      self->key_corner = corner == DRAG_BOTTOM_RIGHT ? DRAG_TOP_LEFT : corner + 1;
      return TRUE;
    default:
      return FALSE;
    }
  move_corner (&self->frame, corner, x, y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
kiosk_crop_area_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = 200;
  *natural = orientation == GTK_ORIENTATION_VERTICAL ? 260 : 600;
}

static void
kiosk_crop_area_dispose (GObject *object)
{
  g_clear_object (&KIOSK_CROP_AREA (object)->texture);
  G_OBJECT_CLASS (kiosk_crop_area_parent_class)->dispose (object);
}

static void
kiosk_crop_area_class_init (KioskCropAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kiosk_crop_area_dispose;
  widget_class->snapshot = kiosk_crop_area_snapshot;
  widget_class->measure = kiosk_crop_area_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kiosk_crop_area_init (KioskCropArea *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The scan, with the frame of what to keep"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Drag a corner of the frame, or use the arrow keys; Space picks the next corner."),
                                  -1);
  self->key_corner = DRAG_BOTTOM_RIGHT;
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  kiosk_crop_area_reset (self);
}

GtkWidget *
kiosk_crop_area_new (void)
{
  return g_object_new (KIOSK_TYPE_CROP_AREA, NULL);
}

/* @image: the scan to show (a preview of it is enough) */
void
kiosk_crop_area_set_image (KioskCropArea    *self,
                           const KioskImage *image)
{
  g_clear_object (&self->texture);
  if (image != NULL)
    self->texture = kiosk_texture_new_for_image (image);
  kiosk_crop_area_reset (self);
}

/* The frame back around the whole image. */
void
kiosk_crop_area_reset (KioskCropArea *self)
{
  graphene_rect_init (&self->frame, 0, 0, 1, 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The frame, in fractions of the image's width and height. */
void
kiosk_crop_area_get_frame (KioskCropArea   *self,
                           graphene_rect_t *frame)
{
  *frame = self->frame;
}
