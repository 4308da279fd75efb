/* kiosk-review-page.h: every answer and document before submission, with edit links. */
#pragma once

#include "kiosk-page.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_REVIEW_PAGE (kiosk_review_page_get_type ())
G_DECLARE_FINAL_TYPE (KioskReviewPage, kiosk_review_page, KIOSK, REVIEW_PAGE, KioskPage)


G_END_DECLS
