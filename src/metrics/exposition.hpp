// The Prometheus text exposition format (version 0.0.4): one HELP and TYPE line per metric
// family, then its samples. Label values and help texts are escaped here, so callers pass
// plain text.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gateway::metrics {

enum class MetricType { counter, gauge, histogram };

using Label = std::pair<std::string_view, std::string_view>;

class Exposition {
  public:
    // Starts a family: `name` without the _total/_bucket suffixes its samples carry.
    void family(std::string_view name, MetricType type, std::string_view help);

    void sample(std::string_view name, std::initializer_list<Label> labels, double value);
    void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }
    void sample(std::string_view name, std::uint64_t value) { sample(name, {}, value); }

    // One bucket of a histogram: `name`_bucket with the labels and le="<upper bound>".
    void bucket(std::string_view name, std::initializer_list<Label> labels, std::string_view le,
                std::uint64_t count);

    // The page so far; the exposition is left empty.
    std::string take() { return std::exchange(text_, {}); }

    // Content-Type of the page.
    static constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

  private:
    // A sample's name (with `suffix`), its labels (and le="`le`" when given), and the
    // space before its value.
    void series(std::string_view name, std::initializer_list<Label> labels,
                std::string_view suffix = {}, std::string_view le = {});
    void labels(std::initializer_list<Label> labels, std::string_view extra_name = {},
                std::string_view extra_value = {});

    std::string text_;
};

}  // namespace gateway::metrics
