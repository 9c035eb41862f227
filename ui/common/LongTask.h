#pragma once
// Work that takes seconds (writing or reading a large COCO file), run without freezing the window.

#include <QString>

#include <functional>

class QWidget;

namespace rlfseg::ui {

// Runs `work` on a thread of its own and returns when it is done, rethrowing what it threw.
// Meanwhile the event loop keeps running (the window repaints, timers fire, inference results
// arrive) but keys and clicks are dropped, and after a moment a modal busy dialog saying `what`
// appears over `parent`. `work` must not touch widgets or anything the UI thread changes.
void runLongTask(QWidget* parent, const QString& what, const std::function<void()>& work);

} // namespace rlfseg::ui
