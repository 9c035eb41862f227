#include "ui/common/LongTask.h"

#include <QEventLoop>
#include <QProgressDialog>
#include <QThread>
#include <QTimer>

#include <exception>
#include <memory>

namespace rlfseg::ui {

namespace {
constexpr int kDialogDelayMs = 400; // shorter work finishes without a dialog flashing up
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
    thread->start();
    if (!thread->isFinished()) loop.exec(QEventLoop::ExcludeUserInputEvents);
    thread->wait();
    if (failure) std::rethrow_exception(failure);
}

} // namespace rlfseg::ui
