#pragma once
// The widget that shows the image being annotated: zoom, pan, high-DPI painting.
//
// Zoom is measured in device pixels per image pixel, so 100 % ("Actual Size") shows each image
// pixel on exactly one physical screen pixel, also on high-DPI screens where one logical widget
// unit covers several device pixels. Masks and boxes drawn later on top of the image must line up
// with image pixels, which is why the canvas thinks in image pixels rather than logical units.

#include "ui/canvas/MaskLayer.h"

#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QVector>
#include <QWidget>

namespace rlfseg::ui {

class ImageCanvas : public QWidget {
    Q_OBJECT

public:
    explicit ImageCanvas(QWidget* parent = nullptr);
    ~ImageCanvas() override;

    // Shows `image` fitted to the widget. A null image clears the canvas.
    void setImage(const QImage& image);
    const QImage& image() const { return mImage; }
    bool hasImage() const { return !mImage.isNull(); }

    // Device pixels per image pixel (1.0 = actual size). Clamped to [minimumZoom(), maximumZoom()].
    double zoom() const { return mZoom; }
    static double minimumZoom();
    static double maximumZoom();

    // True while the canvas refits itself whenever the widget is resized (after fitToWindow(),
    // until the user zooms or pans).
    bool isFitToWindow() const { return mFitToWindow; }

    // Widget (logical) coordinates <-> image pixel coordinates. Image pixel (x, y) covers the
    // square [x, x + 1) x [y, y + 1), so the image centre is (width / 2, height / 2).
    QPointF mapToImage(const QPointF& widgetPos) const;
    QPointF mapFromImage(const QPointF& imagePos) const;

    QSize sizeHint() const override;

    // The masks drawn over the image, in order (later ones on top). The selected one is drawn with
    // a thicker outline.
    void setMaskLayers(QVector<MaskLayer> layers);
    const QVector<MaskLayer>& maskLayers() const { return mMaskLayers; }
    // Shows or hides the tints (outlines stay), e.g. to judge a boundary against the image.
    void setTintsVisible(bool visible);
    // A circle of this radius (image pixels) follows the pointer, for the brush and the eraser;
    // 0 hides it.
    void setBrushCursor(double radius);
    // The polygons being edited, drawn with their vertices as handles (the active one filled).
    void setEditPolygons(const QVector<QPolygonF>& polygons, int activePolygon = -1, int activeVertex = -1);
    // Widget (screen) pixels per image pixel: for hit tests at a constant screen distance.
    double screenPixelsPerImagePixel() const;
    // The topmost mask layer covering an image point, or 0.
    qint64 layerAt(const QPointF& imagePos) const;

public slots:
    // Zooms about the widget centre.
    void setZoom(double zoom);
    // Zooms keeping the image point under `widgetPos` in place (the wheel zooms about the cursor).
    void zoomAbout(double zoom, const QPointF& widgetPos);
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void setActualSize();

signals:
    void zoomChanged(double zoom);
    // The left button on the image (not while panning), in image pixel coordinates: what the
    // editing tools (select, brush, eraser, fill) work with.
    void pointerPressed(const QPointF& imagePos);
    void pointerDragged(const QPointF& imagePos);
    void pointerReleased(const QPointF& imagePos);

protected:
    // Hook for what later layers draw over the image (masks, boxes, brush cursor). `painter` is
    // already transformed so that one unit is one image pixel, origin at the image's top-left.
    virtual void paintOverlays(QPainter& painter);

    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    // Logical widget units per image pixel.
    double viewScale() const;
    void applyFit();
    void clampOffset();
    void setZoomInternal(double zoom, const QPointF& widgetPos);
    void buildLevels();
    int levelFor(double devicePixelsPerImagePixel) const;
    void updatePanCursor();

    QImage mImage;
    QVector<MaskLayer> mMaskLayers;
    bool mTintsVisible = true;
    double mBrushRadius = 0;
    QVector<QPolygonF> mEditPolygons;
    int mActivePolygon = -1, mActiveVertex = -1;
    QPointF mPointer{-1, -1}; // last pointer position in image pixels
    bool mDrawing = false;
    // mLevels[0] is mImage in a format that paints fast; each further level halves the previous
    // one, so zoomed-out views are drawn from a level close to screen size (smooth and cheap).
    QVector<QImage> mLevels;
    double mZoom = 1.0;
    QPointF mOffset; // logical widget position of the image's top-left corner
    bool mFitToWindow = true;
    double mFitDevicePixelRatio = 0.0;

    bool mSpaceHeld = false;
    bool mPanning = false;
    QPointF mPanStart;
    QPointF mPanStartOffset;
};

} // namespace rlfseg::ui
