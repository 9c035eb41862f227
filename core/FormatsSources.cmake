# The sources of rlfseg_formats (core/CMakeLists.txt), also compiled by the fuzz build
# (fuzz/CMakeLists.txt) with sanitizers. Paths are relative to this folder.
set(RLFSEG_FORMATS_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/annotation/CocoFormat.cpp
    ${CMAKE_CURRENT_LIST_DIR}/annotation/CocoValidator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/annotation/Document.cpp
    ${CMAKE_CURRENT_LIST_DIR}/annotation/OtherFormats.cpp
    ${CMAKE_CURRENT_LIST_DIR}/annotation/Project.cpp
    ${CMAKE_CURRENT_LIST_DIR}/coco/Polygons.cpp
    ${CMAKE_CURRENT_LIST_DIR}/coco/Rle.cpp
    ${CMAKE_CURRENT_LIST_DIR}/io/AtomicFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/io/ImageFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/io/JsonFields.cpp
    ${CMAKE_CURRENT_LIST_DIR}/io/JsonPath.cpp
    ${CMAKE_CURRENT_LIST_DIR}/io/Pickle.cpp
    ${CMAKE_CURRENT_LIST_DIR}/io/RemoveTree.cpp
    ${CMAKE_CURRENT_LIST_DIR}/util/MaskBox.cpp
)
