#include "ui/canvas/ImageCanvas.h"

#include <QKeyEvent>
#include <QMetaObject>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>

namespace rlfseg::ui {

namespace {

// Steps for Zoom In / Zoom Out, so that repeated steps land on round percentages.
constexpr std::array<double, 23> kZoomSteps = {
    1.0 / 64, 1.0 / 32, 1.0 / 16, 1.0 / 12, 1.0 / 8, 1.0 / 6, 0.25, 1.0 / 3, 0.5, 2.0 / 3, 0.75,
    1.0,      1.5,      2.0,      3.0,      4.0,     6.0,     8.0,  12.0,    16.0, 24.0,    32.0,
    64.0};

// Keeps the smallest pyramid level at roughly thumbnail size; smaller levels buy nothing.
constexpr int kSmallestLevelSide = 64;

// Behind transparent images. A QImage tile, not a QPixmap: it may outlive the application.
const QBrush& checkerBrush()
{
    static const QBrush brush = [] {
        QImage tile(16, 16, QImage::Format_RGB32);
        tile.fill(QColor(0xcc, 0xcc, 0xcc));
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 16; ++x)
                if ((x < 8) == (y < 8))
                    tile.setPixelColor(x, y, QColor(0x99, 0x99, 0x99));
        return QBrush(tile);
    }();
    return brush;
}

} // namespace

ImageCanvas::ImageCanvas(QWidget* parent) : QWidget(parent)
{
    setFocusPolicy(Qt::WheelFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setBackgroundRole(QPalette::Dark);
    setAutoFillBackground(false);
}

ImageCanvas::~ImageCanvas() = default;

double ImageCanvas::minimumZoom() { return kZoomSteps.front(); }
double ImageCanvas::maximumZoom() { return kZoomSteps.back(); }

QSize ImageCanvas::sizeHint() const { return {640, 480}; }

void ImageCanvas::setImage(const QImage& image)
{
    mImage = image;
    buildLevels();
    mFitToWindow = true;
    applyFit();
    update();
}

void ImageCanvas::buildLevels()
{
    mLevels.clear();
    if (mImage.isNull())
        return;
    // Premultiplied ARGB / RGB32 are the formats the raster engine draws without converting.
    const QImage::Format format =
        mImage.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32;
    mLevels.append(mImage.convertToFormat(format));
    while (std::min(mLevels.last().width(), mLevels.last().height()) >= 2 * kSmallestLevelSide) {
        const QImage& previous = mLevels.last();
        mLevels.append(previous.scaled(previous.width() / 2, previous.height() / 2,
                                       Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    }
}

int ImageCanvas::levelFor(double devicePixelsPerImagePixel) const
{
    // The coarsest level that still has at least one pixel per device pixel.
    int level = 0;
    double levelScale = 1.0; // level pixels per image pixel
    while (level + 1 < mLevels.size() && levelScale / 2 >= devicePixelsPerImagePixel) {
        ++level;
        levelScale /= 2;
    }
    return level;
}

double ImageCanvas::viewScale() const { return mZoom / devicePixelRatioF(); }

QPointF ImageCanvas::mapToImage(const QPointF& widgetPos) const
{
    return (widgetPos - mOffset) / viewScale();
}

QPointF ImageCanvas::mapFromImage(const QPointF& imagePos) const
{
    return imagePos * viewScale() + mOffset;
}

void ImageCanvas::setZoom(double zoom) { setZoomInternal(zoom, QRectF(rect()).center()); }

void ImageCanvas::zoomAbout(double zoom, const QPointF& widgetPos)
{
    setZoomInternal(zoom, widgetPos);
}

void ImageCanvas::zoomIn()
{
    const auto next = std::upper_bound(kZoomSteps.begin(), kZoomSteps.end(), mZoom * 1.0001);
    setZoom(next == kZoomSteps.end() ? kZoomSteps.back() : *next);
}

void ImageCanvas::zoomOut()
{
    const auto next = std::lower_bound(kZoomSteps.begin(), kZoomSteps.end(), mZoom * 0.9999);
    setZoom(next == kZoomSteps.begin() ? kZoomSteps.front() : *(next - 1));
}

void ImageCanvas::fitToWindow()
{
    mFitToWindow = true;
    applyFit();
    update();
}

void ImageCanvas::setActualSize() { setZoom(1.0); }

void ImageCanvas::setZoomInternal(double zoom, const QPointF& widgetPos)
{
    mFitToWindow = false;
    zoom = std::clamp(zoom, minimumZoom(), maximumZoom());
    const QPointF anchor = mapToImage(widgetPos);
    const bool changed = !qFuzzyCompare(zoom, mZoom);
    mZoom = zoom;
    mOffset = widgetPos - anchor * viewScale();
    clampOffset();
    update();
    if (changed)
        emit zoomChanged(mZoom);
}

void ImageCanvas::applyFit()
{
    mFitDevicePixelRatio = devicePixelRatioF();
    if (mImage.isNull() || width() <= 0 || height() <= 0)
        return;
    const double scale = std::min(double(width()) / mImage.width(),
                                  double(height()) / mImage.height());
    const double zoom =
        std::clamp(scale * devicePixelRatioF(), minimumZoom(), maximumZoom());
    const bool changed = !qFuzzyCompare(zoom, mZoom);
    mZoom = zoom;
    clampOffset(); // centres the image, which now fits
    if (changed)
        emit zoomChanged(mZoom);
}

void ImageCanvas::clampOffset()
{
    if (mImage.isNull())
        return;
    // An image smaller than the view is centred; a larger one may not leave empty margins.
    const auto clampAxis = [](double offset, double extent, double view) {
        if (extent <= view)
            return (view - extent) / 2;
        return std::clamp(offset, view - extent, 0.0);
    };
    const double scale = viewScale();
    mOffset.setX(clampAxis(mOffset.x(), mImage.width() * scale, width()));
    mOffset.setY(clampAxis(mOffset.y(), mImage.height() * scale, height()));
}

void ImageCanvas::setMaskLayers(QVector<MaskLayer> layers)
{
    mMaskLayers = std::move(layers);
    update();
}

void ImageCanvas::setTintsVisible(bool visible)
{
    mTintsVisible = visible;
    update();
}

void ImageCanvas::setBrushCursor(double radius)
{
    mBrushRadius = radius;
    update();
}

void ImageCanvas::setEditPolygons(const QVector<QPolygonF>& polygons, int activePolygon, int activeVertex)
{
    mEditPolygons = polygons;
    mActivePolygon = activePolygon;
    mActiveVertex = activeVertex;
    update();
}

double ImageCanvas::screenPixelsPerImagePixel() const { return viewScale(); }

qint64 ImageCanvas::layerAt(const QPointF& imagePos) const
{
    const QPoint p(int(std::floor(imagePos.x())), int(std::floor(imagePos.y())));
    for (auto it = mMaskLayers.crbegin(); it != mMaskLayers.crend(); ++it) {
        const QPoint local = p - it->offset;
        if (!it->tint.isNull() && it->tint.rect().contains(local) && qAlpha(it->tint.pixel(local)) > 0) return it->id;
    }
    return 0;
}

void ImageCanvas::leaveEvent(QEvent* event)
{
    mPointer = QPointF(-1, -1);
    update();
    QWidget::leaveEvent(event);
}

void ImageCanvas::paintOverlays(QPainter& painter)
{
    painter.save();
    for (const auto& layer : mMaskLayers) {
        if (layer.isEmpty()) continue;
        if (mTintsVisible) painter.drawImage(layer.offset, layer.tint);
        // Cosmetic pens: the outline keeps its screen width at every zoom.
        QPen pen(layer.color.darker(layer.selected ? 100 : 130), layer.selected ? 2.5 : 1.5);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(layer.outline);
    }
    if (!mEditPolygons.isEmpty()) {
        const double handle = 3.5 / viewScale(); // 7 screen pixels wide at any zoom
        QPen pen(QColor(255, 230, 0), 1.5);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        for (const auto& polygon : mEditPolygons) painter.drawPolygon(polygon);
        for (int i = 0; i < mEditPolygons.size(); ++i)
            for (int j = 0; j < mEditPolygons[i].size(); ++j) {
                const bool active = i == mActivePolygon && j == mActiveVertex;
                painter.setBrush(active ? QColor(255, 60, 0) : QColor(255, 255, 255));
                painter.drawRect(QRectF(mEditPolygons[i][j] - QPointF(handle, handle), QSizeF(2 * handle, 2 * handle)));
            }
    }
    if (mBrushRadius > 0 && mPointer.x() >= 0) {
        QPen pen(Qt::white, 1.5);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(mPointer, mBrushRadius, mBrushRadius);
        pen.setColor(Qt::black);
        pen.setStyle(Qt::DashLine);
        painter.setPen(pen);
        painter.drawEllipse(mPointer, mBrushRadius, mBrushRadius);
    }
    painter.restore();
}

void ImageCanvas::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    if (mImage.isNull())
        return;

    // Moved to a screen with another pixel ratio: refit once the paint is done.
    if (mFitToWindow && !qFuzzyCompare(mFitDevicePixelRatio, devicePixelRatioF()))
        QMetaObject::invokeMethod(this, &ImageCanvas::fitToWindow, Qt::QueuedConnection);

    // The part of the image that is on screen, in whole image pixels.
    const QRectF visible = QRectF(mapToImage(QPointF(0, 0)), mapToImage(QPointF(width(), height())))
                               .intersected(QRectF(mImage.rect()));
    const QRect source = visible.toAlignedRect();
    if (source.isEmpty())
        return;

    if (mImage.hasAlphaChannel()) // checks of constant screen size, hence before scaling
        painter.fillRect(QRectF(mapFromImage(QRectF(source).topLeft()),
                                mapFromImage(QRectF(source).bottomRight())),
                         checkerBrush());

    const double scale = viewScale();
    painter.translate(mOffset);
    painter.scale(scale, scale);

    // Zoomed out: smooth, from the pyramid level nearest the screen size. Zoomed in: hard pixel
    // edges, which is what an annotator needs to judge a mask boundary.
    const int level = levelFor(mZoom);
    const QImage& levelImage = mLevels.at(level);
    const double levelScaleX = double(levelImage.width()) / mImage.width();
    const double levelScaleY = double(levelImage.height()) / mImage.height();
    const QRectF levelSource(source.x() * levelScaleX, source.y() * levelScaleY,
                             source.width() * levelScaleX, source.height() * levelScaleY);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, mZoom < 1.0);
    painter.drawImage(QRectF(source), levelImage, levelSource);

    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    paintOverlays(painter);
}

void ImageCanvas::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (mFitToWindow)
        applyFit();
    else
        clampOffset();
}

void ImageCanvas::wheelEvent(QWheelEvent* event)
{
    if (mImage.isNull()) {
        event->ignore();
        return;
    }
    // One notch (120) zooms by 20 %; touchpads send smaller steps and zoom smoothly.
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0) {
        event->ignore();
        return;
    }
    zoomAbout(mZoom * std::pow(1.2, steps), event->position());
    event->accept();
}

void ImageCanvas::mousePressEvent(QMouseEvent* event)
{
    const bool pan = event->button() == Qt::MiddleButton ||
                     (event->button() == Qt::LeftButton && mSpaceHeld);
    if (!pan && event->button() == Qt::LeftButton && !mImage.isNull()) {
        mDrawing = true;
        emit pointerPressed(mapToImage(event->position()));
        event->accept();
        return;
    }
    if (!pan || mImage.isNull()) {
        QWidget::mousePressEvent(event);
        return;
    }
    mPanning = true;
    mPanStart = event->position();
    mPanStartOffset = mOffset;
    updatePanCursor();
    event->accept();
}

void ImageCanvas::mouseMoveEvent(QMouseEvent* event)
{
    if (!mImage.isNull()) {
        mPointer = mapToImage(event->position());
        if (mBrushRadius > 0) update();
    }
    if (mDrawing) {
        emit pointerDragged(mPointer);
        event->accept();
        return;
    }
    if (!mPanning) {
        QWidget::mouseMoveEvent(event);
        return;
    }
    mFitToWindow = false;
    mOffset = mPanStartOffset + (event->position() - mPanStart);
    clampOffset();
    update();
    event->accept();
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent* event)
{
    if (mDrawing && event->button() == Qt::LeftButton) {
        mDrawing = false;
        emit pointerReleased(mapToImage(event->position()));
        event->accept();
        return;
    }
    if (!mPanning) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    if (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton) {
        mPanning = false;
        updatePanCursor();
    }
    event->accept();
}

void ImageCanvas::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat()) {
            mSpaceHeld = true;
            updatePanCursor();
        }
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ImageCanvas::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space) {
        if (!event->isAutoRepeat()) {
            mSpaceHeld = false;
            updatePanCursor();
        }
        event->accept();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void ImageCanvas::focusOutEvent(QFocusEvent* event)
{
    // The space key's release goes elsewhere once focus has left.
    mSpaceHeld = false;
    updatePanCursor();
    QWidget::focusOutEvent(event);
}

void ImageCanvas::updatePanCursor()
{
    if (mPanning)
        setCursor(Qt::ClosedHandCursor);
    else if (mSpaceHeld)
        setCursor(Qt::OpenHandCursor);
    else
        unsetCursor();
}

} // namespace rlfseg::ui
