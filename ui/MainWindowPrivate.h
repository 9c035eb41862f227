#pragma once
// What MainWindow's source files share (MainWindow.cpp, MainWindowEditing.cpp, MainWindowPrompts.cpp):
// status-bar timeouts and item data roles. Not for other classes.

#include <QApplication>
#include <Qt>

namespace rlfseg::ui::mainwindow {

constexpr int kErrorMessageTimeoutMs = 15'000;
constexpr int kInfoMessageTimeoutMs = 5'000;
constexpr size_t kCleanUpInlinePixels = 2'000'000; // larger masks are cleaned up off the UI thread
constexpr int kPathRole = Qt::UserRole;             // image list: the image's path
constexpr int kThumbnailLoadedRole = Qt::UserRole + 1;
constexpr int kAnnotationIdRole = Qt::UserRole + 2; // masks list: the annotation's id

// A wait cursor for as long as it lives: for the file operations that run on the UI thread (they
// take seconds only for projects of tens of thousands of masks).
struct BusyCursor {
    BusyCursor() { QApplication::setOverrideCursor(Qt::WaitCursor); }
    ~BusyCursor() { QApplication::restoreOverrideCursor(); }
    BusyCursor(const BusyCursor&) = delete;
    BusyCursor& operator=(const BusyCursor&) = delete;
};

} // namespace rlfseg::ui::mainwindow
