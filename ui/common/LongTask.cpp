#include "ui/common/LongTask.h"

#include "core/util/Runtime.h"

#include <QCoreApplication>
#include <QEvent>
#include <QEventLoop>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QProgressDialog>
#include <QSet>
#include <QThread>
#include <QTimer>

#include <exception>
#include <memory>

namespace rlfseg::ui {

namespace {

constexpr int kDialogDelayMs = 400; // shorter work finishes without a dialog flashing up

// Swallows keys, clicks, wheel and touch while installed: input given during the work is dropped,
// not replayed afterwards (a Ctrl+Z pressed while waiting must not undo the import it waited for).
// A release passes unless its press was dropped too: a button or key held down when the work began
// must still come up where it was pressed (else a brush stroke or a pan would never end).
class InputSwallower : public QObject {
public:
    bool eventFilter(QObject*, QEvent* event) override
    {
        switch (event->type()) {
        case QEvent::KeyPress:
            mKeys.insert(static_cast<QKeyEvent*>(event)->key());
            return true;
        case QEvent::KeyRelease:
            return mKeys.remove(static_cast<QKeyEvent*>(event)->key());
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonDblClick:
            mButtons |= static_cast<QMouseEvent*>(event)->button();
            return true;
        case QEvent::MouseButtonRelease: {
            const auto button = static_cast<QMouseEvent*>(event)->button();
            const bool dropped = mButtons.testFlag(button);
            mButtons &= ~Qt::MouseButtons(button);
            return dropped;
        }
        case QEvent::ShortcutOverride:
        case QEvent::MouseMove:
        case QEvent::Wheel:
        case QEvent::TouchBegin:
        case QEvent::TouchUpdate:
        case QEvent::TouchEnd:
        case QEvent::ContextMenu:
        case QEvent::Drop:
            return true;
        default:
            return false;
        }
    }

private:
    QSet<int> mKeys;
    Qt::MouseButtons mButtons;
};

} // namespace

void runLongTask(QWidget* parent, const QString& what, const std::function<void()>& work)
{
    std::exception_ptr failure;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        try {
            work();
        } catch (...) {
            failure = std::current_exception();
        }
    }));
    QEventLoop loop;
    QObject::connect(thread.get(), &QThread::finished, &loop, &QEventLoop::quit);
    QProgressDialog dialog(what, QString(), 0, 0, parent); // a busy indicator, no Cancel
    dialog.setWindowModality(Qt::WindowModal);
    dialog.reset(); // stops the dialog's own show timer: it appears only after our delay
    QTimer::singleShot(kDialogDelayMs, &dialog, [&dialog, &thread] {
        if (thread->isRunning()) dialog.show();
    });
    InputSwallower swallower;
    QCoreApplication::instance()->installEventFilter(&swallower);
    thread->start();
    if (!thread->isFinished()) loop.exec();
    thread->wait();
    thread.reset();
    releaseFreedMemory(); // what the work freed stays in its thread's arena otherwise
    QCoreApplication::instance()->removeEventFilter(&swallower);
    if (failure) std::rethrow_exception(failure);
}

} // namespace rlfseg::ui
